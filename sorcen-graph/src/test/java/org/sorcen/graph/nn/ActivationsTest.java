package org.sorcen.graph.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.train.Gradients;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class ActivationsTest {
  /**
   * d/dx Σ w·logsoftmax(x) = w − softmax(x)·Σ_c w over the last axis, on a rank-3 input: the shape of
   * the reconstruction loss, where TensorFlow's own LogSoftmax gradient sums over the wrong axis.
   */
  @Test
  void logSoftmaxHasTheRightGradientOnRankThree() {
    int b = 2;
    int n = 3;
    int c = 5;
    float[] xv = new float[b * n * c];
    float[] wv = new float[xv.length];
    Random r = new Random(3);
    for (int i = 0; i < xv.length; i++) {
      xv[i] = (float) r.nextGaussian();
      wv[i] = (float) r.nextGaussian();
    }
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.constant(Shape.of(b, n, c), DataBuffers.of(xv));
      Operand<TFloat32> w = tf.constant(Shape.of(b, n, c), DataBuffers.of(wv));
      Operand<TFloat32> logp = Activations.logSoftmax(tf, x);
      Operand<TFloat32> f = tf.reduceSum(tf.math.mul(logp, w), tf.constant(new int[] {0, 1, 2}));
      Operand<TFloat32> grad = Gradients.of(tf, f, List.of(x)).get(0);
      try (Result res = s.runner().fetch(logp).fetch(grad).run()) {
        TFloat32 lp = (TFloat32) res.get(0);
        TFloat32 gr = (TFloat32) res.get(1);
        for (int i = 0; i < b; i++) {
          for (int j = 0; j < n; j++) {
            int row = (i * n + j) * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) {
              max = Math.max(max, xv[row + k]);
            }
            double z = 0;
            double sumW = 0;
            for (int k = 0; k < c; k++) {
              z += Math.exp(xv[row + k] - max);
              sumW += wv[row + k];
            }
            for (int k = 0; k < c; k++) {
              double logSoftmax = xv[row + k] - max - Math.log(z);
              assertEquals(
                  logSoftmax, lp.getFloat(i, j, k), 1e-5, "value " + i + "," + j + "," + k);
              double expected = wv[row + k] - Math.exp(logSoftmax) * sumW;
              assertEquals(
                  expected, gr.getFloat(i, j, k), 1e-5, "gradient " + i + "," + j + "," + k);
            }
          }
        }
      }
    }
  }
}
