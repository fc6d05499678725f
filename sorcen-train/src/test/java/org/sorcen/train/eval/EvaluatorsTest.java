package org.sorcen.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The representation evaluators on synthetic features whose right answer is known. */
class EvaluatorsTest {
  static final int CLASSES = 10;
  static final int DIM = 16;

  /** Gaussian clusters around well separated random centres: every evaluator should be near 100%. */
  static FrozenFeatures clusters(
      int train, int test, double spread, boolean randomLabels, long seed) {
    Random r = new Random(seed);
    float[][] centres = new float[CLASSES][DIM];
    for (float[] c : centres) {
      for (int j = 0; j < DIM; j++) {
        c[j] = (float) (4 * r.nextGaussian());
      }
    }
    float[][][] x = new float[2][][];
    long[][] y = new long[2][];
    int[] counts = {train, test};
    for (int s = 0; s < 2; s++) {
      x[s] = new float[counts[s]][DIM];
      y[s] = new long[counts[s]];
      for (int i = 0; i < counts[s]; i++) {
        int c = r.nextInt(CLASSES);
        for (int j = 0; j < DIM; j++) {
          x[s][i][j] = (float) (centres[c][j] + spread * r.nextGaussian());
        }
        y[s][i] = randomLabels ? r.nextInt(CLASSES) : c;
      }
    }
    return new FrozenFeatures(x[0], y[0], x[1], y[1], CLASSES);
  }

  static LinearProbeConfig quickProbe(String optimizer) {
    LinearProbeConfig p = new LinearProbeConfig();
    p.epochs = 10;
    p.warmupEpochs = 1;
    p.batchSize = 64;
    p.optimizer = optimizer;
    // LARS moves each matrix by at most lr·η·‖W‖ per step: a few hundred steps need a large lr
    // (MAE's
    // probe runs lr 6.4 at batch 16384); SGD takes a plain small one.
    p.blr = optimizer.equals("lars") ? 25 : 0.05;
    return p;
  }

  @Test
  void separableClustersAreClassifiedAlmostPerfectly() {
    FrozenFeatures f = clusters(2000, 1000, 1.0, false, 1);
    assertTrue(CosineKnn.accuracy(f, 20, 0.07) > 0.98, "k-NN");
    for (String opt : List.of("lars", "sgd")) {
      LinearProbe.Result r = LinearProbe.evaluate(f, quickProbe(opt), 0);
      assertTrue(r.testTop1() > 0.98, opt + " probe: " + r);
    }
    FewShotConfig fs = new FewShotConfig();
    fs.shots = List.of(1, 5);
    fs.draws = 3;
    Map<Integer, FewShot.Result> few = FewShot.evaluate(f, fs, 0);
    assertTrue(few.get(5).mean() > 0.95, "5-shot: " + few.get(5).mean());
    assertTrue(few.get(1).mean() > 0.8, "1-shot: " + few.get(1).mean());
  }

  @Test
  void randomLabelsGiveChance() {
    FrozenFeatures f = clusters(2000, 2000, 1.0, true, 2);
    double chance = 1.0 / CLASSES;
    assertEquals(chance, CosineKnn.accuracy(f, 20, 0.07), 0.04);
    assertEquals(chance, LinearProbe.evaluate(f, quickProbe("lars"), 0).testTop1(), 0.04);
    FewShotConfig fs = new FewShotConfig();
    fs.shots = List.of(5);
    fs.draws = 2;
    assertEquals(chance, FewShot.evaluate(f, fs, 0).get(5).mean(), 0.04);
  }

  /** Classes that differ only along one low-variance direction: a linear probe finds it, k-NN is swamped. */
  @Test
  void probeFindsALinearDirectionThatNearestNeighboursMiss() {
    Random r = new Random(3);
    int n = 3000;
    float[][] x = new float[n][DIM];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(2);
      for (int j = 0; j < DIM; j++) {
        x[i][j] = (float) (10 * r.nextGaussian());
      }
      x[i][0] = (float) ((y[i] == 0 ? -1 : 1) + 0.2 * r.nextGaussian());
    }
    FrozenFeatures f =
        new FrozenFeatures(
            Arrays.copyOf(x, 2000),
            Arrays.copyOf(y, 2000),
            Arrays.copyOfRange(x, 2000, n),
            Arrays.copyOfRange(y, 2000, n),
            2);
    double probe = LinearProbe.evaluate(f, quickProbe("lars"), 0).testTop1();
    double knn = CosineKnn.accuracy(f, 20, 0.07);
    assertTrue(probe > 0.98, "probe " + probe);
    assertTrue(knn < 0.75, "k-NN " + knn);
  }

  @Test
  void fewShotDrawsExactlyNDistinctRowsPerClass() {
    long[] labels = new long[200];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % CLASSES;
    }
    int[] rows = FewShot.draw(labels, CLASSES, 5, new Random(0));
    assertEquals(50, rows.length);
    Set<Integer> distinct = new HashSet<>();
    int[] perClass = new int[CLASSES];
    for (int i : rows) {
      distinct.add(i);
      perClass[(int) labels[i]]++;
    }
    assertEquals(50, distinct.size());
    for (int c : perClass) {
      assertEquals(5, c);
    }
    assertTrue(
        !Arrays.equals(rows, FewShot.draw(labels, CLASSES, 5, new Random(1))),
        "draws differ by seed");
  }

  @Test
  void unknownLabelsAreDroppedAndEmptySplitsRefused() {
    float[][] x = {{1, 0}, {0, 1}, {1, 1}};
    FrozenFeatures f = new FrozenFeatures(x, new long[] {0, -1, 1}, x, new long[] {1, 0, -1}, 2);
    assertEquals(2, f.train().length);
    assertEquals(2, f.test().length);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new FrozenFeatures(x, new long[] {-1, -1, -1}, x, new long[] {0, 1, 0}, 2));
    assertTrue(e.getMessage().contains("labelled rows"), e.getMessage());
  }

  @Test
  void runnerReportsEveryConfiguredEvaluator() {
    EvalConfig cfg = new EvalConfig();
    cfg.evaluators = List.of("knn", "linear-probe", "few-shot");
    cfg.linearProbe = quickProbe("lars");
    cfg.fewShot.shots = List.of(1, 10);
    cfg.fewShot.draws = 2;
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    EvaluatorRegistry registry = EvaluatorRegistry.standard();
    Map<String, Double> out =
        registry.run(cfg, EvalInputs.features(clusters(1000, 500, 1.0, false, 4), 0, quiet), quiet);
    assertEquals(
        Set.of(
            "eval/knn_top1",
            "eval/linear_probe_top1",
            "eval/few_shot_1_mean",
            "eval/few_shot_1_std",
            "eval/few_shot_10_mean",
            "eval/few_shot_10_std"),
        out.keySet());
    assertEquals(0, registry.trainRowsNeeded(cfg));
  }
}
