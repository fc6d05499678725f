package org.sorcen.graph.train;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * LARS as in the MAE linear-probe code: for matrices, d = g + wd·p is scaled by the trust ratio
 * η·‖p‖/‖d‖ (1 when either norm is 0); vectors (biases) take plain momentum SGD without decay.
 * Then μ ← m·μ + d and p ← p − lr·μ. With {@code trust <= 0} no matrix is rescaled: this is SGD
 * with momentum, the documented fallback. Momentum buffers are variables {@code <var>/momentum}.
 */
public final class Lars {
  private Lars() {}

  public static List<Op> updates(
      Ops tf,
      Variables vars,
      List<ModelVariable> params,
      List<Operand<TFloat32>> grads,
      Operand<TFloat32> lr,
      double momentum,
      double weightDecay,
      double trust) {
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      ModelVariable p = params.get(i);
      Operand<TFloat32> value = p.read(tf);
      Operand<TFloat32> d = grads.get(i);
      if (p.shape().numDimensions() > 1) {
        d = tf.math.add(d, tf.math.mul(tf.constant((float) weightDecay), value));
        if (trust > 0) {
          Operand<TFloat32> pNorm = norm(tf, value);
          Operand<TFloat32> dNorm = norm(tf, d);
          Operand<TFloat32> zero = tf.constant(0f);
          Operand<TFloat32> one = tf.constant(1f);
          Operand<TFloat32> ratio =
              tf.select(
                  tf.math.greater(pNorm, zero),
                  tf.select(
                      tf.math.greater(dNorm, zero),
                      tf.math.div(
                          tf.math.mul(tf.constant((float) trust), pNorm),
                          tf.math.maximum(dNorm, tf.constant(1e-30f))),
                      one),
                  one);
          d = tf.math.mul(d, ratio);
        }
      }
      ModelVariable mu =
          vars.create(
              p.name() + "/momentum",
              p.shape(),
              VariableRole.OPTIMIZER,
              Initializers.zeros(p.shape()));
      Operand<TFloat32> next =
          tf.math.add(tf.math.mul(tf.constant((float) momentum), mu.read(tf)), d);
      ops.add(tf.assignVariableOp(mu.handle(), next));
      ops.add(tf.assignVariableOp(p.handle(), tf.math.sub(value, tf.math.mul(lr, next))));
    }
    return ops;
  }

  private static Operand<TFloat32> norm(Ops tf, Operand<TFloat32> x) {
    return tf.math.sqrt(
        tf.reduceSum(tf.math.square(x), tf.range(tf.constant(0), tf.rank(x), tf.constant(1))));
  }
}
