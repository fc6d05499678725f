package org.sorcen.graph.tokenizer;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Nearest-neighbour ×2 upsampling by reshape, tile and reshape: ResizeNearestNeighbor has no
 * gradient in TF Java, these three do, and the batch axis may stay dynamic.
 */
final class Upsample {
  private Upsample() {}

  static Operand<TFloat32> nearest2x(Ops tf, Operand<TFloat32> x) {
    long h = x.shape().get(1);
    long w = x.shape().get(2);
    long c = x.shape().get(3);
    Operand<TFloat32> six = tf.reshape(x, tf.constant(new long[] {-1, h, 1, w, 1, c}));
    Operand<TFloat32> tiled = tf.tile(six, tf.constant(new long[] {1, 1, 2, 1, 2, 1}));
    return tf.reshape(tiled, tf.constant(new long[] {-1, 2 * h, 2 * w, c}));
  }
}
