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
    return tf.math.add(
        tf.math.mul(withoutAffine(tf, x, eps), ctx.weight(prefix + ".weight")),
        ctx.weight(prefix + ".bias"));
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
