package org.sorcen.graph.model;

import java.util.List;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.nn.LayerContext;
import org.sorcen.graph.nn.LayerNorm;
import org.sorcen.graph.nn.Linear;
import org.sorcen.graph.nn.MlmHead;
import org.sorcen.graph.nn.TransformerBlock;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.op.math.Cumsum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * MAGE's decoder (ALGORITHM.md §4.4): project the latent, pad back to L+1 positions with the projected
 * CLS vector, reset every masked position to it, add learned positions, blocks, LayerNorm, MLM head.
 */
public final class Decoder {
  static final String EMBED = "decoder_embed";
  public static final String POSITIONS = "decoder_pos_embed_learned";
  static final String BLOCKS = "decoder_blocks";
  static final String NORM = "decoder_norm";

  private Decoder() {}

  /**
   * @param latent [B, 1+K, D]
   * @param dropped [B, L] true where the position was removed from the encoder input
   * @param masked [B, L] true where the id was replaced by MASK (a superset of dropped)
   * @return logits [B, L+1, V]
   */
  public static Operand<TFloat32> apply(
      LayerContext ctx,
      ModelConfig model,
      Operand<TFloat32> latent,
      Operand<TBool> dropped,
      Operand<TBool> masked) {
    return MlmHead.apply(ctx, hidden(ctx, model, latent, dropped, masked));
  }

  /** The decoder's normalised output [B, L+1, Dd], before the MLM head. */
  public static Operand<TFloat32> hidden(
      LayerContext ctx,
      ModelConfig model,
      Operand<TFloat32> latent,
      Operand<TBool> dropped,
      Operand<TBool> masked) {
    Ops tf = ctx.tf();
    Operand<TFloat32> y = Linear.apply(ctx, EMBED, latent);
    // Row of y that feeds each grid position: 1 + (kept positions before it), or 0 (CLS) when
    // masked.
    Operand<TInt32> kept = tf.dtypes.cast(tf.math.logicalNot(dropped), TInt32.class);
    Operand<TInt32> keptBefore = tf.math.cumsum(kept, tf.constant(1), Cumsum.exclusive(true));
    Operand<TInt32> source =
        tf.select(masked, tf.zerosLike(keptBefore), tf.math.add(keptBefore, tf.constant(1)));
    Operand<TInt32> cls =
        tf.zerosLike(
            tf.slice(source, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, 1})));
    source = tf.concat(List.of(cls, source), tf.constant(1));
    Operand<TFloat32> x = tf.gather(y, source, tf.constant(1), Gather.batchDims(1L));
    x = tf.math.add(x, ctx.weight(POSITIONS));
    for (int i = 0; i < model.decoderDepth; i++) {
      x = TransformerBlock.apply(ctx, BLOCKS + "." + i, x, model.decoderNumHeads);
    }
    return LayerNorm.apply(ctx, NORM, x, 1e-6);
  }
}
