package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Pre-norm block: x += Attn(LN1(x)); x += FC2(GELU(FC1(LN2(x)))). LayerNorm eps 1e-6. */
public final class TransformerBlock {
  static final double EPS = 1e-6;

  private TransformerBlock() {}

  public static void declare(
      Variables vars,
      Initializers init,
      String prefix,
      int width,
      int mlpHidden,
      VariableRole role) {
    LayerNorm.declare(vars, prefix + ".norm1", width, role);
    Attention.declare(vars, init, prefix + ".attn", width, role);
    LayerNorm.declare(vars, prefix + ".norm2", width, role);
    Linear.declare(vars, init, prefix + ".mlp.fc1", width, mlpHidden, role);
    Linear.declare(vars, init, prefix + ".mlp.fc2", mlpHidden, width, role);
  }

  public static Operand<TFloat32> apply(
      LayerContext ctx, String prefix, Operand<TFloat32> x, int heads) {
    Ops tf = ctx.tf();
    x =
        tf.math.add(
            x,
            Attention.apply(
                ctx, prefix + ".attn", LayerNorm.apply(ctx, prefix + ".norm1", x, EPS), heads));
    Operand<TFloat32> h =
        Linear.apply(ctx, prefix + ".mlp.fc1", LayerNorm.apply(ctx, prefix + ".norm2", x, EPS));
    h = ctx.dropout(ctx.gelu(h));
    h = ctx.dropout(Linear.apply(ctx, prefix + ".mlp.fc2", h));
    return tf.math.add(x, h);
  }
}
