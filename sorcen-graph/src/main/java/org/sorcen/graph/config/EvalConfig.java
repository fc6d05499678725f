package org.sorcen.graph.config;

import java.util.ArrayList;
import java.util.List;

/** Periodic evaluators of a training run: which, how often, and their settings. */
public final class EvalConfig {
  /**
   * Evaluators to run on frozen features of the held-out split: "knn" (cosine k-NN),
   * "linear-probe", "few-shot".
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

  void validate(List<String> errors) {
    for (String e : evaluators) {
      Checks.oneOf(errors, "eval.evaluators[]", e, "knn", "linear-probe", "few-shot");
    }
    Checks.nonNegative(errors, "eval.every_epochs", everyEpochs);
    Checks.atLeast(errors, "eval.knn_k", knnK, 1);
    Checks.positive(errors, "eval.knn_temperature", knnTemperature);
    Checks.atLeast(errors, "eval.knn_train_rows", knnTrainRows, 0);
    if (linearProbe == null || fewShot == null) {
      errors.add("eval.linear_probe and eval.few_shot must be objects");
      return;
    }
    linearProbe.validate(errors, "eval.linear_probe.");
    fewShot.validate(errors, "eval.few_shot.");
  }
}
