package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Uniform numbers from a per-row seed by hashing (seed, stream, element) with SplitMix64 in int64
 * arithmetic. Unlike TensorFlow's stateless ops, which take one seed per op, each row of a batch
 * gets its own stream: the numbers a seed produces do not depend on the batch it travels in, so a
 * generator gives the same image for a seed in Java, in Python and in TF Serving.
 */
public final class CounterRandom {
  private CounterRandom() {}

  /**
   * @param seeds [B] per-row seeds
   * @param stream which draw of the row (e.g. 2·step and 2·step + 1)
   * @param count numbers per row
   * @return [B, count] uniform in (0, 1), 24-bit resolution
   */
  public static Operand<TFloat32> uniform(Ops tf, Operand<TInt64> seeds, long stream, int count) {
    long[] idx = new long[count];
    for (int i = 0; i < count; i++) {
      idx[i] = i;
    }
    Operand<TInt64> key =
        tf.math.mul(tf.expandDims(seeds, tf.constant(1)), tf.constant(SplitMix64.GOLDEN));
    Operand<TInt64> x =
        tf.math.add(tf.math.add(key, tf.constant(stream * SplitMix64.STREAM)), tf.constant(idx));
    SplitMix64.Int64Ops ops = SplitMix64.Int64Ops.of(tf);
    Operand<TInt64> z = SplitMix64.fmix(ops, tf.math.add(x, tf.constant(SplitMix64.GOLDEN)));
    Operand<TInt64> top24 = SplitMix64.shiftRightLogical(ops, z, 40);
    return tf.math.mul(
        tf.math.add(tf.dtypes.cast(top24, TFloat32.class), tf.constant(0.5f)),
        tf.constant(0x1p-24f));
  }

  /** The same numbers in Java, for tests and for checking exported models. */
  public static float uniform(long seed, long stream, int index) {
    long z =
        SplitMix64.fmix(
            seed * SplitMix64.GOLDEN + stream * SplitMix64.STREAM + index + SplitMix64.GOLDEN);
    return ((z >>> 40) + 0.5f) * 0x1p-24f;
  }
}
