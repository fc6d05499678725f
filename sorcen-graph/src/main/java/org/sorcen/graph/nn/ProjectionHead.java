package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Linear(in→hidden) → BatchNorm1d → ReLU → Linear(hidden→out); official indices 0, 1, 3. */
public final class ProjectionHead {
  private ProjectionHead() {}

  public static void declare(
      Variables vars,
      Initializers init,
      String prefix,
      int in,
      int hidden,
      int out,
      VariableRole role) {
    Linear.declare(vars, init, prefix + ".0", in, hidden, role);
    BatchNorm.declare(vars, prefix + ".1", hidden, role);
    Linear.declare(vars, init, prefix + ".3", hidden, out, role);
  }

  public static Operand<TFloat32> apply(
      LayerContext ctx, Variables vars, String prefix, Operand<TFloat32> x) {
    Operand<TFloat32> h = Linear.apply(ctx, prefix + ".0", x);
    h = ctx.tf().nn.relu(BatchNorm.apply(ctx, vars, prefix + ".1", h));
    return Linear.apply(ctx, prefix + ".3", h);
  }
}
