package org.sorcen.graph.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.MaskingConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.RandomStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** ALGORITHM.md §4.1–4.2: mask rate from a truncated normal, exact per-row drop/mask counts. */
class MaskingTest {
  private static final int GRID = 8;
  private static final int L = GRID * GRID;
  private static final int B = 16;

  /** Everything one run of {@link Masking#sample} gives, copied out of the tensors. */
  private record Draw(boolean[][] dropped, boolean[][] masked, int[][] kept, float rate) {}

  /** A graph with a TInt64 step placeholder and a [B, L] token placeholder feeding Masking.sample. */
  private static final class Fixture implements AutoCloseable {
    final Graph g = new Graph();
    final Session s = new Session(g);
    final Placeholder<TInt64> step;
    final Placeholder<TInt64> tokens;
    final MaskSample sample;
    final int numDrop;
    final int len;

    Fixture(MaskingConfig cfg, long seed) {
      this(cfg, seed, L);
    }

    Fixture(MaskingConfig cfg, long seed, int len) {
      this.len = len;
      Ops tf = Ops.create(g);
      step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      tokens = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, len)));
      sample = Masking.sample(tf, cfg, len, tokens, new RandomStream(step, seed));
      numDrop = cfg.numDropped(len);
    }

    Draw run(long stepValue, int batch) {
      int L = len;
      long[] ids = new long[batch * L];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = i % 1024;
      }
      try (TInt64 st = TInt64.scalarOf(stepValue);
          TInt64 tok = TInt64.tensorOf(Shape.of(batch, L), DataBuffers.of(ids, true, false));
          Result r =
              s.runner()
                  .feed(step, st)
                  .feed(tokens, tok)
                  .fetch(sample.dropped())
                  .fetch(sample.masked())
                  .fetch(sample.keptPositions())
                  .fetch(sample.maskRate())
                  .run()) {
        TBool d = (TBool) r.get(0);
        TBool m = (TBool) r.get(1);
        TInt32 k = (TInt32) r.get(2);
        TFloat32 rate = (TFloat32) r.get(3);
        assertEquals(Shape.of(batch, L), d.shape());
        assertEquals(Shape.of(batch, L), m.shape());
        assertEquals(Shape.of(batch, L - numDrop), k.shape());
        assertEquals(0, rate.shape().numDimensions(), "one mask rate per batch (a scalar)");
        boolean[] df = new boolean[batch * L];
        boolean[] mf = new boolean[batch * L];
        int[] kf = new int[batch * (L - numDrop)];
        d.copyTo(DataBuffers.of(df, false, false));
        m.copyTo(DataBuffers.of(mf, false, false));
        k.copyTo(DataBuffers.of(kf, false, false));
        boolean[][] dd = new boolean[batch][];
        boolean[][] mm = new boolean[batch][];
        int[][] kk = new int[batch][];
        for (int b = 0; b < batch; b++) {
          dd[b] = Arrays.copyOfRange(df, b * L, (b + 1) * L);
          mm[b] = Arrays.copyOfRange(mf, b * L, (b + 1) * L);
          kk[b] = Arrays.copyOfRange(kf, b * (L - numDrop), (b + 1) * (L - numDrop));
        }
        return new Draw(dd, mm, kk, rate.getFloat());
      }
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }

  private static int count(boolean[] row) {
    int n = 0;
    for (boolean x : row) {
      n += x ? 1 : 0;
    }
    return n;
  }

  @Test
  void exactCountsSubsetAndKeptPositions() {
    MaskingConfig cfg = new SorcenConfig().masking;
    int numDrop = (int) Math.ceil(0.5 * L);
    try (Fixture f = new Fixture(cfg, 42)) {
      assertEquals(numDrop, f.numDrop);
      for (long step : new long[] {0, 1, 2, 7, 100, 12345, 999_999}) {
        Draw d = f.run(step, B);
        assertTrue(d.rate >= 0.5f && d.rate <= 1f, "rate " + d.rate + " at step " + step);
        int numMask = (int) Math.ceil((double) d.rate * L);
        for (int b = 0; b < B; b++) {
          assertEquals(numDrop, count(d.dropped[b]), "dropped count, step " + step + " row " + b);
          assertEquals(
              numMask,
              count(d.masked[b]),
              "masked count, step " + step + " row " + b + " r=" + d.rate);
          int k = 0;
          for (int i = 0; i < L; i++) {
            if (d.dropped[b][i]) {
              assertTrue(d.masked[b][i], "dropped position " + i + " not masked (row " + b + ")");
            } else {
              assertTrue(k < d.kept[b].length, "more kept positions than L - n_drop");
              assertEquals(i, d.kept[b][k++], "kept positions, step " + step + " row " + b);
            }
          }
          assertEquals(L - numDrop, k);
        }
      }
    }
  }

  @Test
  void rowsDifferWithinBatchAndStepsDiffer() {
    MaskingConfig cfg = new SorcenConfig().masking;
    try (Fixture f = new Fixture(cfg, 42)) {
      Draw a = f.run(7, B);
      Draw b = f.run(8, B);
      // Rows of one batch use different orders.
      assertFalse(
          Arrays.equals(a.dropped[0], a.dropped[1]), "two rows of a batch drop the same positions");
      // Different steps give different masks.
      assertFalse(Arrays.deepEquals(a.dropped, b.dropped), "steps 7 and 8 drop the same positions");
      assertFalse(Arrays.deepEquals(a.masked, b.masked), "steps 7 and 8 mask the same positions");
    }
  }

  @Test
  void sameStepAndSeedReproduce() {
    MaskingConfig cfg = new SorcenConfig().masking;
    Draw first;
    Draw again;
    Draw rebuilt;
    Draw otherSeed;
    try (Fixture f = new Fixture(cfg, 42)) {
      first = f.run(7, B);
      f.run(3, B);
      again = f.run(7, B);
    }
    try (Fixture f = new Fixture(cfg, 42)) {
      rebuilt = f.run(7, B);
    }
    try (Fixture f = new Fixture(cfg, 43)) {
      otherSeed = f.run(7, B);
    }
    for (Draw d : new Draw[] {again, rebuilt}) {
      assertEquals(first.rate, d.rate);
      assertTrue(Arrays.deepEquals(first.dropped, d.dropped));
      assertTrue(Arrays.deepEquals(first.masked, d.masked));
      assertTrue(Arrays.deepEquals(first.kept, d.kept));
    }
    assertFalse(
        Arrays.deepEquals(first.dropped, otherSeed.dropped),
        "another run seed gives the same mask");
  }

  @Test
  void positionsAreDroppedUniformly() {
    // Over many rows every position is dropped with probability n_drop / L = 1/2.
    MaskingConfig cfg = new SorcenConfig().masking;
    int batch = 64;
    int steps = 20;
    int[] drops = new int[L];
    try (Fixture f = new Fixture(cfg, 5)) {
      for (long st = 0; st < steps; st++) {
        Draw d = f.run(st, batch);
        for (boolean[] row : d.dropped) {
          for (int i = 0; i < L; i++) {
            drops[i] += row[i] ? 1 : 0;
          }
        }
      }
    }
    int n = batch * steps;
    double se = Math.sqrt(0.25 / n);
    for (int i = 0; i < L; i++) {
      double freq = drops[i] / (double) n;
      assertEquals(0.5, freq, 5 * se, "drop frequency of position " + i);
    }
  }

  @Test
  void otherDropRateAndGrid() {
    // grid 4 (L = 16) with drop rate 0.3: n_drop = ceil(4.8) = 5.
    MaskingConfig cfg = new SorcenConfig().masking;
    cfg.dropRate = 0.3;
    int len = 16;
    try (Fixture f = new Fixture(cfg, 9, len)) {
      assertEquals(5, f.numDrop);
      for (long step = 0; step < 20; step++) {
        Draw d = f.run(step, 8);
        int numMask = (int) Math.ceil((double) d.rate * len);
        for (int b = 0; b < 8; b++) {
          assertEquals(5, count(d.dropped[b]));
          assertEquals(numMask, count(d.masked[b]));
          assertEquals(len - 5, d.kept[b].length);
          int k = 0;
          for (int i = 0; i < len; i++) {
            if (d.dropped[b][i]) {
              assertTrue(d.masked[b][i]);
            } else {
              assertEquals(i, d.kept[b][k++]);
            }
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- mask-rate distribution

  private static double phi(double x) {
    return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  }

  /** ∫_a^b g(x)·φ(x) dx by composite Simpson (independent of any erf implementation). */
  private static double integrate(DoubleUnaryOperator g, double a, double b) {
    int n = 20_000;
    double h = (b - a) / n;
    double sum = g.applyAsDouble(a) * phi(a) + g.applyAsDouble(b) * phi(b);
    for (int i = 1; i < n; i++) {
      double x = a + i * h;
      sum += (i % 2 == 1 ? 4 : 2) * g.applyAsDouble(x) * phi(x);
    }
    return sum * h / 3;
  }

  @Test
  void maskRateFollowsTruncatedNormal() {
    MaskingConfig cfg = new SorcenConfig().masking;
    double mu = cfg.maskRateMean;
    double sigma = cfg.maskRateStd;
    double a = (cfg.maskRateMin - mu) / sigma;
    double b = (cfg.maskRateMax - mu) / sigma;
    double z = integrate(x -> 1, a, b); // Φ(b) − Φ(a)
    double mean = mu + sigma * (phi(a) - phi(b)) / z;
    double second = integrate(x -> x * x, a, b) / z; // E[x²] of the standardized truncated normal
    double zMean = (phi(a) - phi(b)) / z;
    double sd = sigma * Math.sqrt(second - zMean * zMean);
    assertEquals(0.6936, mean, 1e-3, "truncated-normal mean formula");

    int n = 2000;
    double[] draws = new double[n];
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TInt64> step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32> rate = Masking.maskRate(tf, cfg, new RandomStream(step, 11));
      for (int i = 0; i < n; i++) {
        try (TInt64 st = TInt64.scalarOf(i);
            Result r = s.runner().feed(step, st).fetch(rate).run()) {
          draws[i] = ((TFloat32) r.get(0)).getFloat();
        }
      }
    }
    double sum = 0;
    int distinct = (int) Arrays.stream(draws).distinct().count();
    for (double d : draws) {
      assertTrue(d >= 0.5 && d <= 1.0, "mask rate " + d + " outside [0.5, 1]");
      sum += d;
    }
    assertTrue(distinct > n * 0.9, "mask rates barely vary: " + distinct + " distinct of " + n);
    double empMean = sum / n;
    double se = sd / Math.sqrt(n);
    assertEquals(mean, empMean, 4 * se, "mean of " + n + " mask rates (sd " + sd + ")");
    double var = 0;
    for (double d : draws) {
      var += (d - empMean) * (d - empMean);
    }
    double empSd = Math.sqrt(var / (n - 1));
    assertEquals(sd, empSd, 0.1 * sd, "sd of mask rates");

    // CDF at a few points: P(r <= t) = (Φ((t−μ)/σ) − Φ(a)) / Z, within 4 binomial standard errors.
    for (double t : new double[] {0.55, 0.65, 0.75, 0.9}) {
      double p = integrate(x -> 1, a, (t - mu) / sigma) / z;
      long below = Arrays.stream(draws).filter(d -> d <= t).count();
      double bse = Math.sqrt(p * (1 - p) / n);
      assertEquals(p, below / (double) n, 4 * bse, "P(r <= " + t + ")");
    }
  }

  @Test
  void maskRateFromSampleIsTheSameDrawAcrossTheBatch() {
    // The r in MaskSample is the one that set n_mask: counts agree for many steps on a small batch.
    MaskingConfig cfg = new SorcenConfig().masking;
    Set<Integer> seenCounts = new HashSet<>();
    try (Fixture f = new Fixture(cfg, 77)) {
      for (long step = 0; step < 60; step++) {
        Draw d = f.run(step, 8);
        int numMask = (int) Math.ceil((double) d.rate * L);
        seenCounts.add(numMask);
        for (int b = 0; b < 8; b++) {
          assertEquals(numMask, count(d.masked[b]), "step " + step);
        }
      }
    }
    assertTrue(seenCounts.size() >= 10, "n_mask hardly varies across steps: " + seenCounts);
  }
}
