package org.sorcen.graph.train;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.config.OptimizerConfig;
import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * AdamW exactly as torch.optim.AdamW: p ← p·(1 − lr·wd) − lr·m̂/(√v̂ + eps), with decay only on
 * variables for which {@link ModelVariable#decays()} holds. Written out with plain ops because the
 * framework's Adam has no decoupled decay, and its bias-correction powers are updated without a
 * control dependency on the update, so its first steps are not deterministic.
 * Moments are variables named {@code <var>/adam_m}, {@code <var>/adam_v} (role OPTIMIZER).
 */
public final class AdamW {
  private AdamW() {}

  /**
   * @param step the global step before this update (t = step + 1 in the bias corrections)
   * @param after ops every update must wait for (all reads of this step's forward pass)
   */
  public static List<Op> updates(Ops tf, Variables vars, List<ModelVariable> params, List<Operand<TFloat32>> grads,
      Operand<TFloat32> lr, Operand<TInt64> step, OptimizerConfig cfg, List<Op> after) {
    Ops ordered = tf.withControlDependencies(after);
    Operand<TFloat32> t = tf.math.add(tf.dtypes.cast(step, TFloat32.class), tf.constant(1f));
    Operand<TFloat32> bc1 = tf.math.sub(tf.constant(1f), tf.math.pow(tf.constant((float) cfg.beta1), t));
    Operand<TFloat32> bc2 = tf.math.sub(tf.constant(1f), tf.math.pow(tf.constant((float) cfg.beta2), t));
    Operand<TFloat32> b1 = tf.constant((float) cfg.beta1);
    Operand<TFloat32> b2 = tf.constant((float) cfg.beta2);
    Operand<TFloat32> oneMinusB1 = tf.constant((float) (1 - cfg.beta1));
    Operand<TFloat32> oneMinusB2 = tf.constant((float) (1 - cfg.beta2));
    Operand<TFloat32> decayFactor = tf.math.sub(tf.constant(1f), tf.math.mul(lr, tf.constant((float) cfg.weightDecay)));
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      ModelVariable p = params.get(i);
      Operand<TFloat32> g = grads.get(i);
      ModelVariable mVar = vars.create(p.name() + "/adam_m", p.shape(), VariableRole.OPTIMIZER,
          Initializers.zeros(p.shape()));
      ModelVariable vVar = vars.create(p.name() + "/adam_v", p.shape(), VariableRole.OPTIMIZER,
          Initializers.zeros(p.shape()));
      Operand<TFloat32> m = tf.math.add(tf.math.mul(b1, mVar.read(ordered)), tf.math.mul(oneMinusB1, g));
      Operand<TFloat32> v = tf.math.add(tf.math.mul(b2, vVar.read(ordered)),
          tf.math.mul(oneMinusB2, tf.math.square(g)));
      Operand<TFloat32> denom = tf.math.add(tf.math.sqrt(tf.math.div(v, bc2)), tf.constant((float) cfg.eps));
      Operand<TFloat32> delta = tf.math.mul(lr, tf.math.div(tf.math.div(m, bc1), denom));
      Operand<TFloat32> value = p.read(ordered);
      if (p.decays()) {
        value = tf.math.mul(value, decayFactor);
      }
      ops.add(ordered.assignVariableOp(mVar.handle(), m));
      ops.add(ordered.assignVariableOp(vVar.handle(), v));
      ops.add(ordered.assignVariableOp(p.handle(), tf.math.sub(value, delta)));
    }
    return ops;
  }
}
