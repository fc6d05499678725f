package org.sorcen.graph.nn;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Initial values (ALGORITHM.md §6): Linear weights Xavier-uniform, biases and shifts 0, scales 1,
 * embedding tables normal(0, 0.02). Random ones are stateless, keyed by the run seed and the
 * variable's name, so the same seed gives the same initial model whatever the creation order.
 */
public final class Initializers {
  private final long seed;
  private final UnaryOperator<String> keyOf;

  public Initializers(long seed) {
    this(seed, UnaryOperator.identity());
  }

  private Initializers(long seed, UnaryOperator<String> keyOf) {
    this.seed = seed;
    this.keyOf = keyOf;
  }

  /**
   * Draws each variable's values as if it were named {@code keyOf(name)}: a teacher keyed by its
   * student's names starts as an exact copy of the student.
   */
  public Initializers keyedAs(UnaryOperator<String> keyOf) {
    return new Initializers(seed, keyOf);
  }

  public static Function<Ops, Operand<TFloat32>> zeros(Shape shape) {
    return tf -> tf.zeros(tf.constant(shape.asArray()), TFloat32.class);
  }

  public static Function<Ops, Operand<TFloat32>> ones(Shape shape) {
    return tf -> tf.fill(tf.constant(shape.asArray()), tf.constant(1f));
  }

  /** Glorot/Xavier uniform for a PyTorch-layout [out, in] weight. */
  public Function<Ops, Operand<TFloat32>> xavierUniform(String name, Shape shape) {
    long fanOut = shape.get(0);
    long fanIn = shape.get(1);
    float limit = (float) Math.sqrt(6.0 / (fanIn + fanOut));
    return tf -> {
      Operand<TFloat32> u =
          tf.random.statelessRandomUniform(tf.constant(shape.asArray()), seedFor(tf, name));
      return tf.math.mul(
          tf.math.sub(tf.math.mul(u, tf.constant(2f)), tf.constant(1f)), tf.constant(limit));
    };
  }

  public Function<Ops, Operand<TFloat32>> normal(String name, Shape shape, double std) {
    return tf ->
        tf.math.mul(
            tf.random.statelessRandomNormal(tf.constant(shape.asArray()), seedFor(tf, name)),
            tf.constant((float) std));
  }

  private Operand<TInt64> seedFor(Ops tf, String name) {
    long h = 1125899906842597L;
    for (byte b : keyOf.apply(name).getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    return tf.constant(new long[] {SplitMix64.fmix(seed), SplitMix64.fmix(h)});
  }
}
