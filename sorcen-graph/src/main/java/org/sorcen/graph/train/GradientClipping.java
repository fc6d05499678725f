package org.sorcen.graph.train;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Clipping by global norm as torch.nn.utils.clip_grad_norm_: scale = min(1, max_norm/(norm + 1e-6)).
 * Each gradient's squared norm is one {@code L2Loss} kernel (Σx²/2) rather than a square and a sum:
 * the step has hundreds of gradients, and per-op dispatch dominated the clipping's cost.
 */
public final class GradientClipping {
  private final List<Operand<TFloat32>> clipped;
  private final Operand<TFloat32> globalNorm;

  public GradientClipping(Ops tf, List<Operand<TFloat32>> gradients, double maxNorm) {
    List<Operand<TFloat32>> halfSquares = new ArrayList<>();
    for (Operand<TFloat32> g : gradients) {
      halfSquares.add(tf.nn.l2Loss(g));
    }
    globalNorm = tf.math.sqrt(tf.math.mul(tf.math.addN(halfSquares), tf.constant(2f)));
    if (maxNorm <= 0) {
      clipped = gradients;
      return;
    }
    Operand<TFloat32> scale =
        tf.math.minimum(
            tf.constant(1f),
            tf.math.div(tf.constant((float) maxNorm), tf.math.add(globalNorm, tf.constant(1e-6f))));
    clipped = gradients.stream().map(g -> (Operand<TFloat32>) tf.math.mul(g, scale)).toList();
  }

  public List<Operand<TFloat32>> clipped() {
    return clipped;
  }

  /** The norm before clipping, for logging. */
  public Operand<TFloat32> globalNorm() {
    return globalNorm;
  }
}
