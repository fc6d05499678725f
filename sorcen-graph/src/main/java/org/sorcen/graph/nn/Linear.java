package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** {@code y = x·Wᵀ + b} with W stored out×in as in PyTorch, so official weights load unchanged. */
public final class Linear {
  private Linear() {}

  public static void declare(
      Variables vars, Initializers init, String prefix, int in, int out, VariableRole role) {
    Shape w = Shape.of(out, in);
    vars.create(prefix + ".weight", w, role, init.xavierUniform(prefix + ".weight", w));
    vars.create(prefix + ".bias", Shape.of(out), role, Initializers.zeros(Shape.of(out)));
  }

  /** Applies to the last axis of a rank-2 or rank-3 input whose non-batch axes are static. */
  public static Operand<TFloat32> apply(LayerContext ctx, String prefix, Operand<TFloat32> x) {
    Ops tf = ctx.tf();
    Operand<TFloat32> w = ctx.weight(prefix + ".weight");
    Operand<TFloat32> b = ctx.weight(prefix + ".bias");
    long out = w.shape().get(0);
    long in = w.shape().get(1);
    Shape xs = x.shape();
    if (xs.get(xs.numDimensions() - 1) != in) {
      throw new IllegalArgumentException(
          prefix + ": input width " + xs + " does not match weight " + w.shape());
    }
    if (xs.numDimensions() == 2) {
      return tf.math.add(ctx.precision().matMulTransposeB(tf, x, w), b);
    }
    if (xs.numDimensions() != 3 || xs.get(1) < 0) {
      throw new IllegalArgumentException(prefix + ": needs [B, N, D] with a static N, got " + xs);
    }
    long n = xs.get(1);
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, in}));
    Operand<TFloat32> y = tf.math.add(ctx.precision().matMulTransposeB(tf, flat, w), b);
    return tf.reshape(y, tf.constant(new long[] {-1, n, out}));
  }
}
