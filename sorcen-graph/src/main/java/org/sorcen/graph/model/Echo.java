package org.sorcen.graph.model;

import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.nn.RandomStream;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The echo (ALGORITHM.md §4.7): at every grid position, drop the single most likely id, keep the next
 * k, and sample one from the softmax over those k. No gradient flows through it.
 */
public final class Echo {
  private Echo() {}

  /**
   * @param gridLogits [B, L, C] decoder logits at the grid positions over the codebook only
   * @return [B, L] sampled ids in [0, C)
   */
  public static Operand<TInt64> sample(
      Ops tf, ModelConfig model, int topK, Operand<TFloat32> gridLogits, RandomStream random) {
    int seqLen = model.seqLen();
    Operand<TFloat32> grid = tf.stopGradient(gridLogits);
    var top = tf.nn.topK(grid, tf.constant(topK + 1), TInt32.class);
    // Skip the argmax: candidates are ranks 1..k.
    Operand<TFloat32> candLogits =
        tf.slice(
            top.values(), tf.constant(new int[] {0, 0, 1}), tf.constant(new int[] {-1, -1, topK}));
    Operand<TInt32> candIds =
        tf.slice(
            top.indices(), tf.constant(new int[] {0, 0, 1}), tf.constant(new int[] {-1, -1, topK}));
    Operand<TFloat32> flat = tf.reshape(candLogits, tf.constant(new long[] {-1, topK}));
    Operand<TInt64> pick = random.multinomialRows(tf, flat);
    // A diverged run has NaN logits, for which the sampler returns the out-of-range index k; keep
    // the gather valid so that the step completes and the trainer reports the non-finite loss.
    pick = tf.math.minimum(pick, tf.constant((long) topK - 1));
    pick = tf.reshape(pick, tf.constant(new long[] {-1, seqLen, 1}));
    Operand<TInt32> chosen =
        tf.gather(
            candIds, tf.dtypes.cast(pick, TInt32.class), tf.constant(2), Gather.batchDims(2L));
    return tf.dtypes.cast(tf.reshape(chosen, tf.constant(new long[] {-1, seqLen})), TInt64.class);
  }
}
