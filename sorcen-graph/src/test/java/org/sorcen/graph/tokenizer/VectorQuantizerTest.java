package org.sorcen.graph.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

class VectorQuantizerTest {
  private static final float[][] CODES = {{0, 0}, {1, 0}, {0, 1}, {5, 5}};

  @Test
  void picksTheNearestCode() {
    float[][] z = {{0.1f, -0.2f}, {0.9f, 0.2f}, {0.2f, 0.7f}, {4f, 6f}, {0.6f, 0.1f}, {-3f, 0.9f}};
    long[] expected = new long[z.length];
    for (int i = 0; i < z.length; i++) {
      double best = Double.MAX_VALUE;
      for (int c = 0; c < CODES.length; c++) {
        double d = Math.pow(z[i][0] - CODES[c][0], 2) + Math.pow(z[i][1] - CODES[c][1], 2);
        if (d < best) {
          best = d;
          expected[i] = c;
        }
      }
    }
    assertArrayEquals(new long[] {0, 1, 2, 3, 1, 2}, expected, "the hand-made case itself");
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TInt64> ids = VectorQuantizer.nearest(tf, tf.constant(z), tf.constant(CODES));
      try (Result r = s.runner().fetch(ids).run()) {
        long[] got = new long[z.length];
        ((TInt64) r.get(0)).copyTo(DataBuffers.of(got, false, false));
        assertArrayEquals(expected, got);
      }
    }
  }

  /**
   * z = x·W; loss = Σ c ⊙ STE(z). The quantised forward value must not matter to the gradient:
   * dloss/dW must be xᵀ·c, exactly what it would be without quantisation.
   */
  @Test
  void straightThroughPassesTheGradientToTheEncoder() {
    float[][] x = {{1, 2}, {-1, 0.5f}, {0.3f, 3}};
    float[][] w = {{0.2f, -0.1f}, {0.4f, 0.3f}};
    float[][] c = {{1, -2}, {0.5f, 3}, {-1, 1}};
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> wc = tf.constant(w);
      Operand<TFloat32> z = tf.linalg.matMul(tf.constant(x), wc);
      Operand<TFloat32> codes = tf.constant(CODES);
      Operand<TFloat32> q =
          VectorQuantizer.lookup(tf, codes, VectorQuantizer.nearest(tf, tf.stopGradient(z), codes));
      Operand<TFloat32> st = VectorQuantizer.straightThrough(tf, z, q);
      Operand<TFloat32> loss =
          tf.reduceSum(tf.math.mul(st, tf.constant(c)), tf.constant(new int[] {0, 1}));
      Output<?>[] grad = g.addGradients(loss.asOutput(), new Output<?>[] {wc.asOutput()});
      Operand<TFloat32> expected =
          tf.linalg.matMul(tf.constant(x), tf.constant(c), MatMul.transposeA(true));
      try (Result r = s.runner().fetch(grad[0]).fetch(expected).fetch(st).fetch(q).run()) {
        assertArrayEquals(floats(r.get(1)), floats(r.get(0)), 1e-6f);
        assertArrayEquals(floats(r.get(3)), floats(r.get(2)), 1e-6f, "forward value is the code");
      }
    }
  }

  @Test
  void countsCodesUsed() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> used =
          VectorQuantizer.codesUsed(tf, tf.constant(new long[] {3, 3, 0, 7, 0}), 8);
      try (Result r = s.runner().fetch(used).run()) {
        assertEquals(3f, ((TFloat32) r.get(0)).getFloat());
      }
    }
  }

  static float[] floats(Tensor t) {
    TFloat32 f = (TFloat32) t;
    float[] out = new float[(int) f.size()];
    f.copyTo(DataBuffers.of(out, false, false));
    return out;
  }
}
