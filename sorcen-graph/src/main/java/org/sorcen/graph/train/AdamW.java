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
 * AdamW as torch.optim.AdamW: p ← p·(1 − lr·wd) − lr·m̂/(√v̂ + eps), with decay only on variables
 * for which {@link ModelVariable#decays()} holds. Each variable costs one decay assignment and one
 * fused {@code ResourceApplyAdam} (moments and parameter in one kernel), not a dozen element-wise
 * ops: with ~400 variables the step's op count, not its arithmetic, was the optimizer's cost.
 *
 * <p>TensorFlow's kernel computes {@code p −= lr·√(1−β2ᵗ)/(1−β1ᵗ) · m/(√v + ε')}; torch divides
 * by {@code √v/√(1−β2ᵗ) + ε}. Feeding {@code ε' = ε·√(1−β2ᵗ)} makes the two the same expression.
 * The bias-correction powers are computed from the step variable, so no power variable races the
 * update (the framework Adam's non-determinism).
 * Moments are variables named {@code <var>/adam_m}, {@code <var>/adam_v} (role OPTIMIZER).
 */
public final class AdamW {
  private AdamW() {}

  /**
   * @param step the global step before this update (t = step + 1 in the bias corrections)
   * @param after ops every update must wait for (all reads of this step's forward pass)
   */
  public static List<Op> updates(
      Ops tf,
      Variables vars,
      List<ModelVariable> params,
      List<Operand<TFloat32>> grads,
      Operand<TFloat32> lr,
      Operand<TInt64> step,
      OptimizerConfig cfg,
      List<Op> after) {
    Ops ordered = tf.withControlDependencies(after);
    Operand<TFloat32> t = tf.math.add(tf.dtypes.cast(step, TFloat32.class), tf.constant(1f));
    Operand<TFloat32> beta1Power = tf.math.pow(tf.constant((float) cfg.beta1), t);
    Operand<TFloat32> beta2Power = tf.math.pow(tf.constant((float) cfg.beta2), t);
    Operand<TFloat32> b1 = tf.constant((float) cfg.beta1);
    Operand<TFloat32> b2 = tf.constant((float) cfg.beta2);
    Operand<TFloat32> eps =
        tf.math.mul(
            tf.constant((float) cfg.eps), tf.math.sqrt(tf.math.sub(tf.constant(1f), beta2Power)));
    Operand<TFloat32> decayFactor =
        tf.math.sub(tf.constant(1f), tf.math.mul(lr, tf.constant((float) cfg.weightDecay)));
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      ModelVariable p = params.get(i);
      ModelVariable mVar =
          vars.create(
              p.name() + "/adam_m",
              p.shape(),
              VariableRole.OPTIMIZER,
              Initializers.zeros(p.shape()));
      ModelVariable vVar =
          vars.create(
              p.name() + "/adam_v",
              p.shape(),
              VariableRole.OPTIMIZER,
              Initializers.zeros(p.shape()));
      Ops apply = ordered;
      if (p.decays()) {
        Op decay = ordered.assignVariableOp(p.handle(), tf.math.mul(p.read(ordered), decayFactor));
        apply = tf.withControlDependencies(List.of(decay));
      }
      ops.add(
          apply.train.resourceApplyAdam(
              p.handle(),
              mVar.handle(),
              vVar.handle(),
              beta1Power,
              beta2Power,
              lr,
              b1,
              b2,
              eps,
              grads.get(i)));
    }
    return ops;
  }
}
