package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;

/**
 * SplitMix64's constants and finaliser, in Java and as int64 graph ops: the one hash behind the
 * counter-based draws ({@link CounterRandom}, {@link HashedDropMask}) and the per-use keys of
 * {@link RandomStream}. The graph version is built through {@link Int64Ops}, so the same finaliser
 * is plain TensorFlow ops or ops of an XLA kernel.
 */
final class SplitMix64 {
  /** The state increment (2⁶⁴/φ). */
  static final long GOLDEN = 0x9E3779B97F4A7C15L;

  /** Separates streams of one key (a second odd constant). */
  static final long STREAM = 0xD1B54A32D192ED03L;

  static final long M1 = 0xBF58476D1CE4E5B9L;
  static final long M2 = 0x94D049BB133111EBL;

  private SplitMix64() {}

  /** The finaliser: neighbouring inputs give unrelated outputs. */
  static long fmix(long z) {
    z = (z ^ (z >>> 30)) * M1;
    z = (z ^ (z >>> 27)) * M2;
    return z ^ (z >>> 31);
  }

  static Operand<TInt64> fmix(Int64Ops o, Operand<TInt64> z) {
    z = o.mul(o.xor(z, shiftRightLogical(o, z, 30)), M1);
    z = o.mul(o.xor(z, shiftRightLogical(o, z, 27)), M2);
    return o.xor(z, shiftRightLogical(o, z, 31));
  }

  /** TensorFlow shifts signed integers arithmetically; masking off the sign copies makes it logical. */
  static Operand<TInt64> shiftRightLogical(Int64Ops o, Operand<TInt64> z, int k) {
    return o.and(o.shiftRight(z, k), -1L >>> k);
  }

  /** The int64 ops the finaliser needs, with wrapping arithmetic as Java's. */
  interface Int64Ops {
    Operand<TInt64> add(Operand<TInt64> a, Operand<TInt64> b);

    Operand<TInt64> mul(Operand<TInt64> a, long b);

    Operand<TInt64> xor(Operand<TInt64> a, Operand<TInt64> b);

    Operand<TInt64> and(Operand<TInt64> a, long mask);

    /** Arithmetic (sign-copying) shift, as TensorFlow's RightShift on int64. */
    Operand<TInt64> shiftRight(Operand<TInt64> a, int k);

    /** Plain TensorFlow ops. */
    static Int64Ops of(Ops tf) {
      return new Int64Ops() {
        public Operand<TInt64> add(Operand<TInt64> a, Operand<TInt64> b) {
          return tf.math.add(a, b);
        }

        public Operand<TInt64> mul(Operand<TInt64> a, long b) {
          return tf.math.mul(a, tf.constant(b));
        }

        public Operand<TInt64> xor(Operand<TInt64> a, Operand<TInt64> b) {
          return tf.bitwise.bitwiseXor(a, b);
        }

        public Operand<TInt64> and(Operand<TInt64> a, long mask) {
          return tf.bitwise.bitwiseAnd(a, tf.constant(mask));
        }

        public Operand<TInt64> shiftRight(Operand<TInt64> a, int k) {
          return tf.bitwise.rightShift(a, tf.constant((long) k));
        }
      };
    }

    /** Ops of one XLA kernel, constants inside it. */
    static Int64Ops of(XlaChain c) {
      return new Int64Ops() {
        public Operand<TInt64> add(Operand<TInt64> a, Operand<TInt64> b) {
          return c.raw("AddV2", x -> {}, a, b);
        }

        public Operand<TInt64> mul(Operand<TInt64> a, long b) {
          return c.raw("Mul", x -> {}, a, c.constant(b));
        }

        public Operand<TInt64> xor(Operand<TInt64> a, Operand<TInt64> b) {
          return c.raw("BitwiseXor", x -> {}, a, b);
        }

        public Operand<TInt64> and(Operand<TInt64> a, long mask) {
          return c.raw("BitwiseAnd", x -> {}, a, c.constant(mask));
        }

        public Operand<TInt64> shiftRight(Operand<TInt64> a, int k) {
          return c.raw("RightShift", x -> {}, a, c.constant((long) k));
        }
      };
    }
  }
}
