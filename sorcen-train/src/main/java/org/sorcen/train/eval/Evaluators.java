package org.sorcen.train.eval;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.sorcen.graph.config.EvalConfig;

/**
 * Runs the representation evaluators named in {@link EvalConfig#evaluators} on frozen features
 * and returns their figures under TensorBoard-style keys: {@code eval/knn_top1},
 * {@code eval/linear_probe_top1}, {@code eval/few_shot_<n>_mean} and {@code _std}.
 */
public final class Evaluators {
  public static final String KNN = "knn";
  public static final String LINEAR_PROBE = "linear-probe";
  public static final String FEW_SHOT = "few-shot";

  private Evaluators() {}

  /** Training rows the configured evaluators need embedded (0 = all). */
  public static int trainRowsNeeded(EvalConfig cfg) {
    int rows = cfg.evaluators.contains(KNN) ? cfg.knnTrainRows : -1;
    if (cfg.evaluators.contains(LINEAR_PROBE)) {
      rows = widest(rows, cfg.linearProbe.trainRows);
    }
    if (cfg.evaluators.contains(FEW_SHOT)) {
      rows = 0;
    }
    return Math.max(rows, 0);
  }

  private static int widest(int a, int b) {
    return a == 0 || b == 0 ? 0 : Math.max(a, b);
  }

  public static Map<String, Double> run(EvalConfig cfg, FrozenFeatures f, long seed, PrintStream log) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (cfg.evaluators.contains(KNN)) {
      FrozenFeatures memory = f.limitTrain(cfg.knnTrainRows);
      double acc = KnnEvaluator.accuracy(memory, cfg.knnK, cfg.knnTemperature);
      out.put("eval/knn_top1", acc);
      log.printf(Locale.ROOT, "  k-NN (k=%d, T=%.2f, memory %d rows): top-1 %.2f%% on %d rows%n", cfg.knnK,
          cfg.knnTemperature, memory.train().length, 100 * acc, f.test().length);
    }
    if (cfg.evaluators.contains(LINEAR_PROBE)) {
      long start = System.nanoTime();
      LinearProbe.Result r = LinearProbe.evaluate(f, cfg.linearProbe, seed);
      out.put("eval/linear_probe_top1", r.testTop1());
      log.printf(Locale.ROOT, "  linear probe (%s, %.0f epochs, %d rows): top-1 %.2f%% (train %.2f%%), %.0f s%n",
          cfg.linearProbe.optimizer, cfg.linearProbe.epochs, f.limitTrain(cfg.linearProbe.trainRows).train().length,
          100 * r.testTop1(), 100 * r.trainTop1(), (System.nanoTime() - start) / 1e9);
    }
    if (cfg.evaluators.contains(FEW_SHOT)) {
      for (FewShot.Result r : FewShot.evaluate(f, cfg.fewShot, seed).values()) {
        out.put("eval/few_shot_" + r.shots() + "_mean", r.mean());
        out.put("eval/few_shot_" + r.shots() + "_std", r.std());
        log.printf(Locale.ROOT, "  few-shot %d per class (%d draws): top-1 %.2f%% ± %.2f%n", r.shots(),
            r.perDraw().length, 100 * r.mean(), 100 * r.std());
      }
    }
    return out;
  }
}
