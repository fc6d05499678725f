package org.sorcen.train.eval;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sorcen.graph.config.Checks;

/** "knn": {@link CosineKnn} top-1 with a memory of {@code eval.knn_train_rows} training rows. */
final class KnnEvaluator implements Evaluator {
  @Override
  public String name() {
    return "knn";
  }

  @Override
  public String description() {
    return "Cosine k-NN (k = eval.knn_k, votes weighted exp(cos/T)) on frozen features.";
  }

  @Override
  public Input input() {
    return Input.FROZEN_FEATURES;
  }

  @Override
  public int trainRowsNeeded(EvalConfig cfg) {
    return cfg.knnTrainRows;
  }

  @Override
  public void validate(EvalConfig cfg, boolean selected, List<String> errors) {
    Checks.atLeast(errors, "eval.knn_k", cfg.knnK, 1);
    Checks.positive(errors, "eval.knn_temperature", cfg.knnTemperature);
    Checks.atLeast(errors, "eval.knn_train_rows", cfg.knnTrainRows, 0);
  }

  @Override
  public Map<String, Double> run(EvalConfig cfg, EvalInputs in, PrintStream out) {
    FrozenFeatures f = in.features().get();
    FrozenFeatures memory = f.limitTrain(cfg.knnTrainRows);
    double acc = CosineKnn.accuracy(memory, cfg.knnK, cfg.knnTemperature);
    out.printf(
        Locale.ROOT,
        "  k-NN (k=%d, T=%.2f, memory %d rows): top-1 %.2f%% on %d rows%n",
        cfg.knnK,
        cfg.knnTemperature,
        memory.train().length,
        100 * acc,
        f.test().length);
    return Map.of("eval/knn_top1", acc);
  }
}
