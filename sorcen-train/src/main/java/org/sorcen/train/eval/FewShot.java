package org.sorcen.train.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.sorcen.graph.probe.LinearClassifierGraph;

/**
 * Few-shot linear classification on frozen features: for each n in {@code shots}, draw n labelled
 * training rows per class ({@code draws} times, seeded), standardise with the drawn rows' own
 * statistics (all a few-shot learner may see), fit a linear classifier full-batch, score the
 * whole held-out split. Reports the mean and the sample standard deviation over draws.
 */
public final class FewShot {
  private FewShot() {}

  public record Result(int shots, double mean, double std, double[] perDraw) {}

  public static Map<Integer, Result> evaluate(FrozenFeatures f, FewShotConfig cfg, long seed) {
    Map<Integer, Result> out = new LinkedHashMap<>();
    for (int n : cfg.shots) {
      double[] acc = new double[cfg.draws];
      for (int d = 0; d < cfg.draws; d++) {
        acc[d] = oneDraw(f, n, cfg, seed * 1_000_003L + n * 1009L + d);
      }
      out.put(n, new Result(n, mean(acc), std(acc), acc));
    }
    return out;
  }

  static double oneDraw(FrozenFeatures f, int perClass, FewShotConfig cfg, long seed) {
    int[] rows = draw(f.trainLabels(), f.numClasses(), perClass, new Random(seed));
    float[][] x = Arrays.stream(rows).mapToObj(i -> f.train()[i]).toArray(float[][]::new);
    long[] y = Arrays.stream(rows).mapToLong(i -> f.trainLabels()[i]).toArray();
    Standardizer norm = new Standardizer(x);
    // Full batch: one step per epoch, so "epochs" counts steps; the lr decays by cosine to 0.
    var training =
        new LinearClassifierGraph.Training(
            cfg.lr, 0, cfg.steps, cfg.momentum, cfg.weightDecay, 0, seed);
    try (LinearClassifier head = new LinearClassifier(f.dim(), f.numClasses(), training)) {
      head.fit(norm.apply(x), y, x.length, cfg.steps, seed);
      return LinearClassifier.accuracy(head.predict(norm.apply(f.test())), f.testLabels());
    }
  }

  /** {@code perClass} distinct rows of every class (fewer when a class has fewer rows). */
  static int[] draw(long[] labels, int numClasses, int perClass, Random random) {
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      byClass.get((int) labels[i]).add(i);
    }
    List<Integer> picked = new ArrayList<>();
    for (List<Integer> rows : byClass) {
      Collections.shuffle(rows, random);
      picked.addAll(rows.subList(0, Math.min(perClass, rows.size())));
    }
    return picked.stream().mapToInt(Integer::intValue).toArray();
  }

  static double mean(double[] a) {
    return Arrays.stream(a).average().orElse(Double.NaN);
  }

  static double std(double[] a) {
    if (a.length < 2) {
      return 0;
    }
    double m = mean(a);
    return Math.sqrt(Arrays.stream(a).map(v -> (v - m) * (v - m)).sum() / (a.length - 1));
  }
}
