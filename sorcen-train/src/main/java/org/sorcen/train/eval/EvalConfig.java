package org.sorcen.train.eval;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.config.Checks;
import org.sorcen.graph.config.ConfigLoader;

/** Periodic evaluators of a training run: which, how often, and their settings. */
public final class EvalConfig {
  /**
   * Evaluators to run, by name: those of {@link EvaluatorRegistry} ("knn", "linear-probe",
   * "few-shot" on frozen features of the held-out split; "fd" on generated images).
   */
  public List<String> evaluators = new ArrayList<>(List.of("knn"));

  /** Run the evaluators every N epochs (0 = only at the end of the run). */
  public double everyEpochs = 0;

  /** Name of the held-out split of the dataset. */
  public String heldOutSplit = "test";

  public int knnK = 20;

  /** Temperature of the k-NN vote weights exp(cos/T). */
  public double knnTemperature = 0.07;

  /** Training rows used as the k-NN memory (0 = all). */
  public int knnTrainRows = 10_000;

  public LinearProbeConfig linearProbe = new LinearProbeConfig();
  public FewShotConfig fewShot = new FewShotConfig();
  public GenerationConfig generation = new GenerationConfig();

  /** The names and each evaluator's settings are the evaluators' own to check: the standard registry's. */
  public void validate(List<String> errors) {
    if (evaluators == null) {
      errors.add("eval.evaluators must be a list of evaluator names");
      return;
    }
    Checks.nonNegative(errors, "eval.every_epochs", everyEpochs);
    EvaluatorRegistry.standard().validate(this, errors);
  }

  /** A deep copy, every field included (a hand-written copy would silently drop a new one). */
  public EvalConfig copy() {
    return ConfigLoader.copy(this, EvalConfig.class);
  }
}
