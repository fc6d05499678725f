package org.sorcen.train.pretrain;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.train.eval.EvalConfig;

/**
 * What a model config in {@code configs/} (e.g. {@code sorcen-tiny.json}) and a run's
 * {@code config.json} hold: the model and its training ({@link SorcenConfig}, all the graph
 * builders read) and the evaluators' section {@code eval}.
 * Bound by {@link ConfigLoader}'s rules: unknown keys refused, dotted overrides, model variants,
 * every problem listed at once.
 */
public final class JobConfig extends SorcenConfig {
  public EvalConfig eval = new EvalConfig();

  public static JobConfig load(Path file) {
    return load(file, Map.of());
  }

  /** Loads {@code file}, applies the dotted {@code overrides} in order, and validates. */
  public static JobConfig load(Path file, Map<String, String> overrides) {
    return ConfigLoader.load(file, overrides, JobConfig.class, JobConfig::validated);
  }

  public static JobConfig parse(String json, String source, Map<String, String> overrides) {
    return ConfigLoader.parse(json, source, overrides, JobConfig.class, JobConfig::validated);
  }

  @Override
  protected boolean hasNullSection() {
    return super.hasNullSection() || eval == null;
  }

  /** The model's and training's problems, then those of the evaluators' section. */
  @Override
  public List<String> problems() {
    List<String> errors = super.problems();
    if (!hasNullSection()) {
      eval.validate(errors);
    }
    return errors;
  }

  @Override
  public JobConfig validated() {
    super.validated();
    return this;
  }
}
