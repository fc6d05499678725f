package org.sorcen.graph.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole description of a model and its training hyper-parameters. Every field has the paper's
 * value as its default; a config file overrides what differs. Bind with {@link ConfigLoader}.
 * A program that reads more sections from the same file extends this class with them, and its
 * {@link #hasNullSection} and {@link #problems} with theirs.
 */
public class SorcenConfig {
  public String name = "sorcen";

  /** "sorcen" (MAGE + echo contrast) or "mage" (the baseline: reconstruction only). */
  public String method = "sorcen";

  public ModelConfig model = new ModelConfig();
  public MaskingConfig masking = new MaskingConfig();
  public EchoConfig echo = new EchoConfig();
  public LossConfig loss = new LossConfig();
  public EmaConfig ema = new EmaConfig();
  public OptimizerConfig optimizer = new OptimizerConfig();
  public TrainConfig train = new TrainConfig();

  public boolean isSorcen() {
    return "sorcen".equals(method);
  }

  /** All problems at once, so that a user fixes a config in one pass. */
  public List<String> problems() {
    List<String> errors = new ArrayList<>();
    Checks.oneOf(errors, "method", method, "sorcen", "mage");
    if (hasNullSection()) {
      errors.add("a section is null: remove the key or give it an object");
      return errors;
    }
    model.validate(errors);
    masking.validate(errors, model.grid);
    echo.validate(errors, model.codebookSize);
    loss.validate(errors);
    ema.validate(errors);
    train.validate(errors);
    optimizer.validate(errors, train.epochs);
    return errors;
  }

  /** Whether a section is null: then no section is checked. A subclass adds its own sections. */
  protected boolean hasNullSection() {
    return model == null
        || masking == null
        || echo == null
        || loss == null
        || ema == null
        || optimizer == null
        || train == null;
  }

  /** Throws a {@link ConfigException} listing every problem, or returns this config. */
  public SorcenConfig validated() {
    List<String> errors = problems();
    if (!errors.isEmpty()) {
      throw new ConfigException("invalid config '" + name + "':\n  " + String.join("\n  ", errors));
    }
    return this;
  }
}
