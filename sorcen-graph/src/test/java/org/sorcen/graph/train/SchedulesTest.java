package org.sorcen.graph.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.SorcenConfig;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** ALGORITHM.md §5–6: lr warm-up + half-cycle cosine, EMA β cosine, echo warm-up flag. */
class SchedulesTest {

  private static SorcenConfig config() {
    SorcenConfig c = new SorcenConfig();
    c.train.epochs = 10;
    c.train.batchSize = 512;
    c.optimizer.warmupEpochs = 2;
    c.optimizer.blr = 1.5e-4;
    c.optimizer.minLr = 1e-6;
    c.ema.baseMomentum = 0.996;
    c.echo.warmupEpochs = 3;
    return c;
  }

  /** Independent double-precision reference of ALGORITHM.md §6. */
  private static double expectedLr(
      double e, double blr, int batch, double warm, double total, double min) {
    double peak = blr * batch / 256.0;
    if (e < warm) {
      return peak * e / warm;
    }
    double t = Math.min((e - warm) / (total - warm), 1.0);
    return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * t));
  }

  /** ALGORITHM.md §5. */
  private static double expectedBeta(double e, double total, double beta0) {
    return 1 - (1 - beta0) * (Math.cos(Math.PI * Math.min(e / total, 1.0)) + 1) / 2;
  }

  private static void assertRel(
      double expected, double actual, double rel, double absFloor, String what) {
    double tol = Math.max(rel * Math.abs(expected), absFloor);
    assertEquals(expected, actual, tol, what);
  }

  /**
   * lr tolerance: 1e-6 relative, or 2e-7 of the peak (two float32 ulps of the peak). Schedules computes
   * in float32, and 1 + cos(π·p) cancels near p = 1, so the last steps of the cosine carry absolute
   * errors of ~1 ulp of the peak (measured up to 2.3e-11 = 8e-8·peak, i.e. 3.4e-6 relative at step 49).
   */
  private static double lrFloor(double peak) {
    return 2e-7 * peak;
  }

  private record Values(float epoch, float lr, float beta, boolean echoWarmup) {}

  private static Values[] run(SorcenConfig cfg, double stepsPerEpoch, long[] steps) {
    Values[] out = new Values[steps.length];
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TInt64> step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      Schedules sch = new Schedules(tf, cfg, step, stepsPerEpoch);
      for (int i = 0; i < steps.length; i++) {
        try (TInt64 st = TInt64.scalarOf(steps[i]);
            Result r =
                s.runner()
                    .feed(step, st)
                    .fetch(sch.epoch())
                    .fetch(sch.learningRate())
                    .fetch(sch.momentum())
                    .fetch(sch.echoWarmup())
                    .run()) {
          out[i] =
              new Values(
                  ((TFloat32) r.get(0)).getFloat(),
                  ((TFloat32) r.get(1)).getFloat(),
                  ((TFloat32) r.get(2)).getFloat(),
                  ((TBool) r.get(3)).getBoolean());
        }
      }
    }
    return out;
  }

  @Test
  void everyStepMatchesTheFormulas() {
    SorcenConfig cfg = config();
    int spe = 5;
    long[] steps = new long[51];
    for (int i = 0; i <= 50; i++) {
      steps[i] = i;
    }
    Values[] v = run(cfg, spe, steps);
    double peak = 1.5e-4 * 512 / 256; // 3e-4
    for (int i = 0; i <= 50; i++) {
      double e = i / (double) spe;
      double lr = expectedLr(e, 1.5e-4, 512, 2, 10, 1e-6);
      double beta = expectedBeta(e, 10, 0.996);
      assertRel(e, v[i].epoch(), 1e-6, 1e-7, "epoch at step " + i);
      assertRel(lr, v[i].lr(), 1e-6, lrFloor(peak), "lr at step " + i + " (e=" + e + ")");
      assertRel(beta, v[i].beta(), 1e-6, 0, "beta at step " + i + " (e=" + e + ")");
      assertEquals(e < 3, v[i].echoWarmup(), "echo warm-up at step " + i + " (e=" + e + ")");
    }
    // Landmarks: lr starts at 0, peaks at the end of warm-up, ends at min_lr; β goes 0.996 → 1.
    assertEquals(0f, v[0].lr());
    assertRel(peak, v[10].lr(), 1e-6, 0, "peak lr at e = warmup");
    assertRel(peak / 2, v[5].lr(), 1e-6, 0, "half the peak at e = warmup/2");
    assertEquals(1e-6, v[50].lr(), 1e-6 * 1e-6, "lr reaches min_lr at the last step");
    assertRel(0.996, v[0].beta(), 1e-7, 0, "β₀ at step 0");
    assertEquals(1.0, v[50].beta(), 1e-7, "β reaches 1 at the last step");
    assertEquals(true, v[14].echoWarmup());
    assertEquals(false, v[15].echoWarmup());
    // Monotone: lr rises during warm-up and falls after; β never decreases.
    for (int i = 1; i <= 50; i++) {
      if (i <= 10) {
        assertEquals(true, v[i].lr() > v[i - 1].lr(), "lr rises at step " + i);
      } else {
        assertEquals(true, v[i].lr() < v[i - 1].lr(), "lr falls at step " + i);
      }
      assertEquals(true, v[i].beta() >= v[i - 1].beta(), "β falls at step " + i);
    }
  }

  @Test
  void fractionalStepsPerEpochAndBeyondTheEnd() {
    SorcenConfig cfg = config();
    double spe = 2.5; // e = step / 2.5
    long[] steps = {0, 1, 3, 4, 5, 7, 12, 24, 25, 26, 30};
    Values[] v = run(cfg, spe, steps);
    for (int i = 0; i < steps.length; i++) {
      double e = steps[i] / spe;
      assertRel(
          expectedLr(e, 1.5e-4, 512, 2, 10, 1e-6),
          v[i].lr(),
          1e-6,
          lrFloor(3e-4),
          "lr at step " + steps[i]);
      assertRel(expectedBeta(e, 10, 0.996), v[i].beta(), 1e-6, 0, "β at step " + steps[i]);
      assertEquals(e < 3, v[i].echoWarmup(), "echo warm-up at step " + steps[i]);
    }
    // Past E the schedules stay at their end values.
    assertEquals(1e-6, v[steps.length - 1].lr(), 1e-12, "lr after the end");
    assertEquals(1.0, v[steps.length - 1].beta(), 1e-7, "β after the end");
  }

  @Test
  void noWarmup() {
    SorcenConfig cfg = config();
    cfg.optimizer.warmupEpochs = 0;
    cfg.echo.warmupEpochs = 0;
    long[] steps = {0, 1, 25, 49, 50};
    Values[] v = run(cfg, 5, steps);
    for (int i = 0; i < steps.length; i++) {
      double e = steps[i] / 5.0;
      assertRel(
          expectedLr(e, 1.5e-4, 512, 0, 10, 1e-6),
          v[i].lr(),
          1e-6,
          lrFloor(3e-4),
          "lr at step " + steps[i]);
      assertEquals(false, v[i].echoWarmup());
    }
    assertRel(3e-4, v[0].lr(), 1e-6, 0, "no warm-up: peak lr at step 0");
  }

  @Test
  void referenceScaleRun() {
    // The paper's run: 1600 epochs, 40 warm-up, batch 4096, min_lr 0, ~312.5 steps per epoch.
    SorcenConfig cfg = new SorcenConfig();
    double spe = 1_281_167 / 4096.0;
    long last = (long) Math.ceil(1600 * spe);
    long[] steps = {
      0, 1, 100, 12_000, 12_511, 12_600, 100_000, 250_000, 400_000, 499_000, last - 1000, last
    };
    Values[] v = run(cfg, spe, steps);
    double peak = cfg.optimizer.peakLr(4096);
    for (int i = 0; i < steps.length; i++) {
      double e = Math.min(steps[i] / spe, 1600);
      // float32 step/epoch arithmetic at ~5e5 steps: 1e-6 of the peak as absolute tolerance.
      assertEquals(
          expectedLr(e, 1.5e-4, 4096, 40, 1600, 0),
          v[i].lr(),
          1e-6 * peak,
          "lr at step " + steps[i]);
      assertEquals(expectedBeta(e, 1600, 0.996), v[i].beta(), 1e-6, "β at step " + steps[i]);
      assertEquals(e < 10, v[i].echoWarmup(), "echo warm-up at step " + steps[i]);
    }
  }

  @Test
  void rejectsNonPositiveStepsPerEpoch() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      assertThrows(
          IllegalArgumentException.class, () -> new Schedules(tf, config(), tf.constant(0L), 0));
    }
  }
}
