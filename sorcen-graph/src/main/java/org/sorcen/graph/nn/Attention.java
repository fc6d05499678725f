package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Multi-head self-attention as in timm's ViT: one qkv projection with bias, scale (D/H)^-0.5,
 * softmax in float32, dropout on the probabilities and after the output projection.
 */
public final class Attention {
  private Attention() {}

  public static void declare(
      Variables vars, Initializers init, String prefix, int width, VariableRole role) {
    Linear.declare(vars, init, prefix + ".qkv", width, 3 * width, role);
    Linear.declare(vars, init, prefix + ".proj", width, width, role);
  }

  /** x: [B, N, D] with N static. */
  public static Operand<TFloat32> apply(
      LayerContext ctx, String prefix, Operand<TFloat32> x, int heads) {
    Ops tf = ctx.tf();
    long n = x.shape().get(1);
    long width = x.shape().get(2);
    long headDim = width / heads;
    Operand<TFloat32> qkv = Linear.apply(ctx, prefix + ".qkv", x);
    // [B, N, 3·H, dh] -> [B, 3·H, N, dh] -> q, k, v as [B, H, N, dh]: one rank-4 transpose (the
    // same data movement as PyTorch's permute) instead of a rank-5 one, which TensorFlow's CPU
    // transpose runs on its slow generic path.
    qkv = tf.reshape(qkv, tf.constant(new long[] {-1, n, 3L * heads, headDim}));
    qkv = tf.linalg.transpose(qkv, tf.constant(new int[] {0, 2, 1, 3}));
    var parts = tf.split(tf.constant(1), qkv, 3L).output();
    Operand<TFloat32> q = tf.math.mul(parts.get(0), tf.constant((float) Math.pow(headDim, -0.5)));
    // The products on [B·H, N, dh] (free reshapes), where oneDNN's batched kernel is fastest;
    // softmax and dropout on [B, H, N, N], so the dropout draws stay per batch row.
    Operand<TFloat32> scores =
        ctx.precision()
            .batchMatMul(tf, heads(tf, q, n, headDim), heads(tf, parts.get(1), n, headDim), true);
    scores = tf.reshape(scores, tf.constant(new long[] {-1, heads, n, n}));
    Operand<TFloat32> probs = ctx.dropout(tf.nn.softmax(scores));
    Operand<TFloat32> mixed =
        ctx.precision()
            .batchMatMul(tf, heads(tf, probs, n, n), heads(tf, parts.get(2), n, headDim), false);
    mixed = tf.reshape(mixed, tf.constant(new long[] {-1, heads, n, headDim}));
    mixed = tf.linalg.transpose(mixed, tf.constant(new int[] {0, 2, 1, 3}));
    mixed = tf.reshape(mixed, tf.constant(new long[] {-1, n, width}));
    return ctx.dropout(Linear.apply(ctx, prefix + ".proj", mixed));
  }

  /** [B, H, N, k] as [B·H, N, k]. */
  private static Operand<TFloat32> heads(Ops tf, Operand<TFloat32> x, long n, long k) {
    return tf.reshape(x, tf.constant(new long[] {-1, n, k}));
  }
}
