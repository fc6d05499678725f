package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Activations the official model uses. */
public final class Activations {
  private Activations() {}

  /** Exact GELU, 0.5·x·(1 + erf(x/√2)), as PyTorch's default nn.GELU. */
  public static Operand<TFloat32> gelu(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> erf =
        tf.math.erf(tf.math.mul(x, tf.constant((float) (1.0 / Math.sqrt(2.0)))));
    return tf.math.mul(tf.math.mul(x, tf.constant(0.5f)), tf.math.add(erf, tf.constant(1f)));
  }

  /**
   * log softmax over the last axis, with a correct gradient at any rank. TensorFlow's C++ gradient
   * of LogSoftmax (the one addGradients uses) sums over axis 1, which is the class axis only for
   * rank-2 inputs; on [B, L, C] it mixes positions. So rank > 2 is computed on a [-1, C] view.
   */
  public static Operand<TFloat32> logSoftmax(Ops tf, Operand<TFloat32> x) {
    int rank = x.shape().numDimensions();
    if (rank == 2) {
      return tf.nn.logSoftmax(x);
    }
    long classes = x.shape().get(rank - 1);
    if (rank < 2 || classes < 0) {
      throw new IllegalArgumentException(
          "logSoftmax needs rank >= 2 and a static class axis, got " + x.shape());
    }
    Operand<TFloat32> flat = tf.nn.logSoftmax(tf.reshape(x, tf.constant(new long[] {-1, classes})));
    return tf.reshape(flat, tf.shape(x));
  }
}
