package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Linear(Dd→D) → GELU → LayerNorm(eps 1e-5), then logits against the word table with its gradient
 * stopped (tied but detached), plus a learned V-vector.
 */
public final class MlmHead {
  static final String PREFIX = "mlm_layer";

  private MlmHead() {}

  public static void declare(
      Variables vars, Initializers init, int decoderWidth, int width, int vocab) {
    Linear.declare(vars, init, PREFIX + ".fc", decoderWidth, width, VariableRole.TRAINABLE);
    LayerNorm.declare(vars, PREFIX + ".ln", width, VariableRole.TRAINABLE);
    // Official shape 1×1×V, kept so that checkpoints load unchanged.
    vars.create(
        PREFIX + ".bias",
        Shape.of(1, 1, vocab),
        VariableRole.TRAINABLE,
        Initializers.zeros(Shape.of(1, 1, vocab)));
  }

  /** h: [B, N, Dd] → logits [B, N, V]. */
  public static Operand<TFloat32> apply(LayerContext ctx, Operand<TFloat32> h) {
    Ops tf = ctx.tf();
    Operand<TFloat32> words = tf.stopGradient(ctx.weight(TokenEmbedding.WORDS));
    return logits(ctx, features(ctx, h), words, ctx.weight(PREFIX + ".bias"));
  }

  /**
   * h: [B, 1+L, Dd] → logits [B, L, C] at the grid positions (CLS row dropped) over the first
   * {@code codebookSize} ids only: the columns and the row the losses and the echo read. The other
   * V − C words (the official vocabulary adds 1000 class ids and MASK) would triple the head's
   * matrix product at small codebooks for values nothing reads; the values kept are the same.
   */
  public static Operand<TFloat32> gridLogits(
      LayerContext ctx, Operand<TFloat32> h, int codebookSize) {
    Ops tf = ctx.tf();
    // int32 bounds: the C++ gradient of Slice subtracts them from an int32 shape.
    int positions = (int) h.shape().get(1) - 1;
    int width = (int) h.shape().get(2);
    Operand<TFloat32> grid =
        tf.slice(
            h, tf.constant(new int[] {0, 1, 0}), tf.constant(new int[] {-1, positions, width}));
    Operand<TFloat32> words = tf.stopGradient(ctx.weight(TokenEmbedding.WORDS));
    int dim = (int) words.shape().get(1);
    words =
        tf.slice(words, tf.constant(new int[] {0, 0}), tf.constant(new int[] {codebookSize, dim}));
    Operand<TFloat32> bias =
        tf.slice(
            ctx.weight(PREFIX + ".bias"),
            tf.constant(new int[] {0, 0, 0}),
            tf.constant(new int[] {1, 1, codebookSize}));
    return logits(ctx, features(ctx, grid), words, bias);
  }

  private static Operand<TFloat32> features(LayerContext ctx, Operand<TFloat32> h) {
    Operand<TFloat32> x = ctx.gelu(Linear.apply(ctx, PREFIX + ".fc", h));
    return LayerNorm.apply(ctx, PREFIX + ".ln", x, 1e-5);
  }

  private static Operand<TFloat32> logits(
      LayerContext ctx, Operand<TFloat32> x, Operand<TFloat32> words, Operand<TFloat32> bias) {
    Ops tf = ctx.tf();
    long n = x.shape().get(1);
    long width = x.shape().get(2);
    long vocab = words.shape().get(0);
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, width}));
    Operand<TFloat32> logits = ctx.precision().matMulTransposeB(tf, flat, words);
    logits = tf.reshape(logits, tf.constant(new long[] {-1, n, vocab}));
    return tf.math.add(logits, bias);
  }
}
