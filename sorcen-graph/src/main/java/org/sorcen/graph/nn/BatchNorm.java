package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * BatchNorm1d over [B, F] (eps 1e-5, momentum 0.1, PyTorch semantics): batch statistics (biased
 * variance) while training, with the running mean and the unbiased running variance updated by the
 * forward pass; running statistics at inference.
 */
public final class BatchNorm {
  static final double EPS = 1e-5;
  static final double MOMENTUM = 0.1;

  private BatchNorm() {}

  public static void declare(Variables vars, String prefix, int width, VariableRole role) {
    Shape s = Shape.of(width);
    vars.create(prefix + ".weight", s, role, Initializers.ones(s));
    vars.create(prefix + ".bias", s, role, Initializers.zeros(s));
    vars.create(prefix + ".running_mean", s, VariableRole.STATISTIC, Initializers.zeros(s));
    vars.create(prefix + ".running_var", s, VariableRole.STATISTIC, Initializers.ones(s));
  }

  public static Operand<TFloat32> apply(
      LayerContext ctx, Variables vars, String prefix, Operand<TFloat32> x) {
    Ops tf = ctx.tf();
    Operand<TFloat32> mean;
    Operand<TFloat32> var;
    ModelVariable runningMean = vars.get(prefix + ".running_mean");
    ModelVariable runningVar = vars.get(prefix + ".running_var");
    if (ctx.training()) {
      mean = tf.math.mean(x, tf.constant(0), Mean.keepDims(true));
      var = tf.math.mean(tf.math.square(tf.math.sub(x, mean)), tf.constant(0), Mean.keepDims(true));
      Operand<TFloat32> n = Shapes.batchSizeFloat(tf, x);
      Operand<TFloat32> unbiased =
          tf.math.mul(
              tf.stopGradient(var),
              tf.math.div(n, tf.math.maximum(tf.math.sub(n, tf.constant(1f)), tf.constant(1f))));
      ctx.addStatisticUpdate(ema(tf, runningMean, tf.stopGradient(tf.squeeze(mean))));
      ctx.addStatisticUpdate(ema(tf, runningVar, tf.squeeze(unbiased)));
    } else {
      mean = runningMean.read(tf);
      var = runningVar.read(tf);
    }
    Operand<TFloat32> normed =
        tf.math.mul(
            tf.math.sub(x, mean), tf.math.rsqrt(tf.math.add(var, tf.constant((float) EPS))));
    return tf.math.add(
        tf.math.mul(normed, ctx.weight(prefix + ".weight")), ctx.weight(prefix + ".bias"));
  }

  private static Op ema(Ops tf, ModelVariable running, Operand<TFloat32> batch) {
    Operand<TFloat32> old = running.read(tf);
    Operand<TFloat32> updated =
        tf.math.add(
            tf.math.mul(old, tf.constant((float) (1 - MOMENTUM))),
            tf.math.mul(batch, tf.constant((float) MOMENTUM)));
    return tf.assignVariableOp(running.handle(), updated);
  }
}
