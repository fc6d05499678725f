package org.sorcen.graph.model;

import java.util.List;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.nn.LayerContext;
import org.sorcen.graph.nn.LayerNorm;
import org.sorcen.graph.nn.TokenEmbedding;
import org.sorcen.graph.nn.TransformerBlock;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The ViT encoder over token ids (ALGORITHM.md §4.3, §4.9). The student and the teacher share the token
 * embedding and the final LayerNorm; they differ in their blocks ("blocks" / "blocks_momentum") and
 * in whether positions are dropped.
 */
public final class Encoder {
  public static final String STUDENT_BLOCKS = "blocks";
  public static final String TEACHER_BLOCKS = "blocks_momentum";
  static final String NORM = "norm";

  private Encoder() {}

  /**
   * @param ids [B, L+1] ids with CLS at 0 and MASK where masked
   * @param keptPositions [B, K] grid positions (0-based, ascending) that reach the blocks, or null for all
   * @return latent [B, 1+K, D] (or [B, L+1, D]) after the final LayerNorm
   */
  public static Operand<TFloat32> apply(
      LayerContext ctx,
      ModelConfig model,
      String blocks,
      Operand<TInt64> ids,
      Operand<TInt32> keptPositions) {
    return finalNorm(ctx, beforeNorm(ctx, model, blocks, ids, keptPositions));
  }

  /** The shared final LayerNorm (eps 1e-6). */
  public static Operand<TFloat32> finalNorm(LayerContext ctx, Operand<TFloat32> x) {
    return LayerNorm.apply(ctx, NORM, x, 1e-6);
  }

  /** As {@link #apply} but the last block's output, before the final LayerNorm. */
  public static Operand<TFloat32> beforeNorm(
      LayerContext ctx,
      ModelConfig model,
      String blocks,
      Operand<TInt64> ids,
      Operand<TInt32> keptPositions) {
    Ops tf = ctx.tf();
    Operand<TFloat32> x = TokenEmbedding.apply(ctx, ids);
    if (keptPositions != null) {
      Operand<TInt32> cls =
          tf.zerosLike(
              tf.slice(
                  keptPositions, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, 1})));
      Operand<TInt32> rows =
          tf.concat(List.of(cls, tf.math.add(keptPositions, tf.constant(1))), tf.constant(1));
      x = tf.gather(x, rows, tf.constant(1), Gather.batchDims(1L));
    }
    for (int i = 0; i < model.depth; i++) {
      x = TransformerBlock.apply(ctx, blocks + "." + i, x, model.numHeads);
    }
    return x;
  }

  /** Prepends the CLS id to a [B, L] grid of ids. */
  public static Operand<TInt64> withCls(Ops tf, ModelConfig model, Operand<TInt64> grid) {
    Operand<TInt64> first =
        tf.slice(grid, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, 1}));
    Operand<TInt64> cls = tf.math.add(tf.zerosLike(first), tf.constant((long) model.clsId()));
    return tf.concat(List.of(cls, grid), tf.constant(1));
  }
}
