package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/** LayerNorm over the last axis with a learned scale ("weight") and shift ("bias"). */
public final class LayerNorm {
  private LayerNorm() {}

  public static void declare(Variables vars, String prefix, int width, VariableRole role) {
    vars.create(prefix + ".weight", Shape.of(width), role, Initializers.ones(Shape.of(width)));
    vars.create(prefix + ".bias", Shape.of(width), role, Initializers.zeros(Shape.of(width)));
  }

  public static Operand<TFloat32> apply(
      LayerContext ctx, String prefix, Operand<TFloat32> x, double eps) {
    Ops tf = ctx.tf();
    if (ctx.xlaChains()) {
      return fused(ctx, prefix, x, eps);
    }
    return tf.math.add(
        tf.math.mul(withoutAffine(tf, x, eps), ctx.weight(prefix + ".weight")),
        ctx.weight(prefix + ".bias"));
  }

  /** {@link FusedLayerNorm} on a [-1, D] view of x. */
  private static Operand<TFloat32> fused(
      LayerContext ctx, String prefix, Operand<TFloat32> x, double eps) {
    Ops tf = ctx.tf();
    Operand<TFloat32> w = ctx.weight(prefix + ".weight");
    Operand<TFloat32> b = ctx.weight(prefix + ".bias");
    if (x.shape().numDimensions() == 2) {
      return FusedLayerNorm.apply(tf, x, w, b, eps);
    }
    long width = x.shape().get(x.shape().numDimensions() - 1);
    Operand<TFloat32> rows = tf.reshape(x, tf.constant(new long[] {-1, width}));
    return tf.reshape(FusedLayerNorm.apply(tf, rows, w, b, eps), tf.shape(x));
  }

  /** (x − mean)/√(var + eps) over the last axis, biased variance: a LayerNorm with scale 1 and shift 0. */
  public static Operand<TFloat32> withoutAffine(Ops tf, Operand<TFloat32> x, double eps) {
    Operand<TFloat32> mean = tf.math.mean(x, tf.constant(-1), Mean.keepDims(true));
    Operand<TFloat32> centered = tf.math.sub(x, mean);
    Operand<TFloat32> var =
        tf.math.mean(tf.math.square(centered), tf.constant(-1), Mean.keepDims(true));
    return tf.math.mul(centered, tf.math.rsqrt(tf.math.add(var, tf.constant((float) eps))));
  }
}
