package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Word table V×D plus learned positions (L+1)×D, summed, LayerNorm (eps 1e-6), dropout. */
public final class TokenEmbedding {
  public static final String WORDS = "token_emb.word_embeddings.weight";
  public static final String POSITIONS = "token_emb.position_embeddings.weight";
  static final String NORM = "token_emb.LayerNorm";

  private TokenEmbedding() {}

  public static void declare(
      Variables vars, Initializers init, int vocab, int positions, int width) {
    vars.create(
        WORDS,
        Shape.of(vocab, width),
        VariableRole.TRAINABLE,
        init.normal(WORDS, Shape.of(vocab, width), 0.02));
    vars.create(
        POSITIONS,
        Shape.of(positions, width),
        VariableRole.TRAINABLE,
        init.normal(POSITIONS, Shape.of(positions, width), 0.02));
    LayerNorm.declare(vars, NORM, width, VariableRole.TRAINABLE);
  }

  /** ids: [B, L+1] including the CLS position. */
  public static Operand<TFloat32> apply(LayerContext ctx, Operand<TInt64> ids) {
    Ops tf = ctx.tf();
    Operand<TFloat32> words = tf.gather(ctx.weight(WORDS), ids, tf.constant(0));
    Operand<TFloat32> x = tf.math.add(words, ctx.weight(POSITIONS));
    return ctx.dropout(LayerNorm.apply(ctx, NORM, x, 1e-6));
  }
}
