package org.sorcen.graph.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The EMA update against its formula on a hand-made batch, and dead-code restarts. */
class EmaCodebookTest {
  private static final int C = 4;
  private static final int D = 2;
  private static final float[] SIZE0 = {2f, 0.5f, 3f, 0.01f};
  private static final float[][] SUM0 = {{1, 2}, {0.5f, 0.5f}, {-3, 3}, {0.01f, 0}};
  private static final float[][] Z = {{1, 1}, {2, 0}, {0, -1}, {1, 3}, {-2, 2}};
  private static final long[] IDS = {0, 0, 2, 0, 2};

  private static TokenizerConfig config(double threshold) {
    return TokenizerConfig.parse(
        "{\"codebook_size\": 4, \"code_dim\": 2, \"ema_decay\": 0.9, \"laplace_eps\": 0.01,"
            + " \"dead_code_threshold\": "
            + threshold
            + "}",
        "test",
        Map.of());
  }

  /** [size C, sum C·D, embed C·D] after one update from SIZE0/SUM0 with batch Z/IDS. */
  private static float[][] run(TokenizerConfig cfg, long seed) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variables vars = new Variables(tf);
      vars.create(
          EmaCodebook.EMBED,
          Shape.of(C, D),
          VariableRole.STATISTIC,
          init -> init.zeros(init.constant(new long[] {C, D}), TFloat32.class));
      vars.create(
          EmaCodebook.CLUSTER_SIZE,
          Shape.of(C),
          VariableRole.STATISTIC,
          init -> init.constant(SIZE0));
      vars.create(
          EmaCodebook.EMBED_SUM,
          Shape.of(C, D),
          VariableRole.STATISTIC,
          init -> init.constant(SUM0));
      EmaCodebook.Update u =
          EmaCodebook.update(
              tf, vars, cfg, tf.constant(Z), tf.constant(IDS), tf.constant(new long[] {seed, 0}));
      s.initialize();
      s.runner().addTarget(tf.withControlDependencies(u.ops()).noOp()).run();
      try (Result r =
          s.runner()
              .fetch(vars.get(EmaCodebook.CLUSTER_SIZE).read(tf))
              .fetch(vars.get(EmaCodebook.EMBED_SUM).read(tf))
              .fetch(vars.get(EmaCodebook.EMBED).read(tf))
              .run()) {
        return new float[][] {
          VectorQuantizerTest.floats(r.get(0)),
          VectorQuantizerTest.floats(r.get(1)),
          VectorQuantizerTest.floats(r.get(2))
        };
      }
    }
  }

  /** The formula of the class comment, in double precision. */
  private static double[][] expected(TokenizerConfig cfg) {
    double g = cfg.emaDecay;
    double[] size = new double[C];
    double[] sum = new double[C * D];
    for (int c = 0; c < C; c++) {
      size[c] = g * SIZE0[c];
      for (int d = 0; d < D; d++) {
        sum[c * D + d] = g * SUM0[c][d];
      }
    }
    for (int i = 0; i < Z.length; i++) {
      int c = (int) IDS[i];
      size[c] += 1 - g;
      for (int d = 0; d < D; d++) {
        sum[c * D + d] += (1 - g) * Z[i][d];
      }
    }
    double n = 0;
    for (double v : size) {
      n += v;
    }
    double[] embed = new double[C * D];
    for (int c = 0; c < C; c++) {
      double smoothed = (size[c] + cfg.laplaceEps) / (n + C * cfg.laplaceEps) * n;
      for (int d = 0; d < D; d++) {
        embed[c * D + d] = sum[c * D + d] / smoothed;
      }
    }
    return new double[][] {size, sum, embed};
  }

  @Test
  void updateMatchesTheFormula() {
    TokenizerConfig cfg = config(0);
    float[][] got = run(cfg, 1);
    double[][] want = expected(cfg);
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < want[k].length; i++) {
        assertEquals(
            want[k][i],
            got[k][i],
            1e-5 * Math.max(1, Math.abs(want[k][i])),
            "tensor " + k + "[" + i + "]");
      }
    }
  }

  @Test
  void deadCodesRestartAtBatchVectorsAndLiveCodesFollowTheFormula() {
    // Sizes before the update are 2, 0.5, 3, 0.01: codes 1 and 3 are below 1.0.
    TokenizerConfig cfg = config(1.0);
    double[][] want = expected(cfg);
    float[][] got = run(cfg, 7);
    for (int c = 0; c < C; c++) {
      boolean dead = SIZE0[c] < 1.0;
      assertEquals(c == 1 || c == 3, dead, "code " + c);
      float[] embed = {got[2][c * D], got[2][c * D + 1]};
      if (dead) {
        assertEquals(1.0f, got[0][c], "restarted size = threshold");
        assertTrue(
            isRowOfZ(embed),
            "code " + c + " restarted at a batch vector, got " + embed[0] + "," + embed[1]);
        assertArrayEquals(
            embed, new float[] {got[1][c * D], got[1][c * D + 1]}, 1e-6f, "sum = threshold·z");
      } else {
        assertEquals(want[0][c], got[0][c], 1e-5);
        assertEquals(want[2][c * D], embed[0], 1e-5);
        assertEquals(want[2][c * D + 1], embed[1], 1e-5);
      }
    }
    assertArrayEquals(got[2], run(cfg, 7)[2], "same seed, same restart");
  }

  private static boolean isRowOfZ(float[] v) {
    for (float[] row : Z) {
      if (row[0] == v[0] && row[1] == v[1]) {
        return true;
      }
    }
    return false;
  }
}
