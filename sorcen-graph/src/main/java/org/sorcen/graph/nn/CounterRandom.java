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
  static final long GOLDEN = 0x9E3779B97F4A7C15L;
  static final long M1 = 0xBF58476D1CE4E5B9L;
  static final long M2 = 0x94D049BB133111EBL;
  static final long STREAM = 0xD1B54A32D192ED03L;

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
    Operand<TInt64> key = tf.math.mul(tf.expandDims(seeds, tf.constant(1)), tf.constant(GOLDEN));
    Operand<TInt64> x =
        tf.math.add(tf.math.add(key, tf.constant(stream * STREAM)), tf.constant(idx));
    Operand<TInt64> z = mix(tf, x);
    Operand<TInt64> top24 = shiftRightLogical(tf, z, 40);
    return tf.math.mul(
        tf.math.add(tf.dtypes.cast(top24, TFloat32.class), tf.constant(0.5f)),
        tf.constant(0x1p-24f));
  }

  /** The same numbers in Java, for tests and for checking exported models. */
  public static float uniform(long seed, long stream, int index) {
    long z = mix(seed * GOLDEN + stream * STREAM + index);
    return ((z >>> 40) + 0.5f) * 0x1p-24f;
  }

  static Operand<TInt64> mix(Ops tf, Operand<TInt64> x) {
    Operand<TInt64> z = tf.math.add(x, tf.constant(GOLDEN));
    z = tf.math.mul(tf.bitwise.bitwiseXor(z, shiftRightLogical(tf, z, 30)), tf.constant(M1));
    z = tf.math.mul(tf.bitwise.bitwiseXor(z, shiftRightLogical(tf, z, 27)), tf.constant(M2));
    return tf.bitwise.bitwiseXor(z, shiftRightLogical(tf, z, 31));
  }

  static long mix(long x) {
    long z = x + GOLDEN;
    z = (z ^ (z >>> 30)) * M1;
    z = (z ^ (z >>> 27)) * M2;
    return z ^ (z >>> 31);
  }

  /** TensorFlow shifts signed integers arithmetically; masking off the sign copies makes it logical. */
  private static Operand<TInt64> shiftRightLogical(Ops tf, Operand<TInt64> z, int k) {
    return tf.bitwise.bitwiseAnd(
        tf.bitwise.rightShift(z, tf.constant((long) k)), tf.constant(-1L >>> k));
  }
}
