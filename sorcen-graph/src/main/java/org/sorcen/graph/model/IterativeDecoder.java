package org.sorcen.graph.model;

import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.nn.CounterRandom;
import org.sorcen.graph.nn.LayerContext;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * MAGE's iterative decoding (SPEC.md §7), unrolled for a fixed number of steps, entirely in-graph
 * and random only through {@link CounterRandom} keyed by each row's seed: start from MASK (or from
 * known tokens), and at each step sample every position, keep the known ones, and re-mask the
 * least confident ones (log-probability plus annealed Gumbel noise) on a cosine schedule.
 */
public final class IterativeDecoder {
  /** Confidence of positions that are already known: never re-masked. */
  static final float KNOWN = 1e30f;

  private IterativeDecoder() {}

  /**
   * @param ctx an inference context (no dropout)
   * @param seeds [B] one seed per image
   * @param start [B, L] ids, MASK where unknown (all MASK for unconditional generation)
   * @param temperature Gumbel temperature of the re-masking (paper 4.5)
   * @return [B, L] ids in [0, C)
   */
  public static Operand<TInt64> decode(LayerContext ctx, ModelConfig m, Operand<TInt64> seeds, Operand<TInt64> start,
      Operand<TFloat32> temperature, int steps) {
    Ops tf = ctx.tf();
    int seqLen = m.seqLen();
    int c = m.codebookSize;
    Operand<TInt64> mask = tf.constant((long) m.maskId());
    Operand<TInt64> ids = start;
    Operand<TInt64> sampled = start;
    for (int t = 0; t < steps; t++) {
      Operand<TBool> unknown = tf.math.equal(ids, mask);
      Operand<TFloat32> latent = Encoder.apply(ctx, m, Encoder.STUDENT_BLOCKS, Encoder.withCls(tf, m, ids), null);
      Operand<TFloat32> logits = Decoder.apply(ctx, m, latent, tf.zerosLike(unknown), unknown);
      logits = tf.slice(logits, tf.constant(new int[] {0, 1, 0}), tf.constant(new int[] {-1, seqLen, c}));
      Operand<TFloat32> logp = tf.nn.logSoftmax(logits);

      // Gumbel-max: argmax(log p + g) is a draw from softmax(logits).
      Operand<TFloat32> u = tf.reshape(CounterRandom.uniform(tf, seeds, 2L * t, seqLen * c),
          tf.constant(new long[] {-1, seqLen, c}));
      Operand<TInt64> draw = tf.math.argMax(tf.math.add(logp, gumbel(tf, u)), tf.constant(-1));
      sampled = tf.select(unknown, draw, ids);

      double ratio = (t + 1.0) / steps;
      Operand<TFloat32> chosen = tf.reduceSum(tf.math.mul(logp, tf.oneHot(sampled, tf.constant(c), tf.constant(1f),
          tf.constant(0f))), tf.constant(-1));
      Operand<TFloat32> noise = gumbel(tf, CounterRandom.uniform(tf, seeds, 2L * t + 1, seqLen));
      Operand<TFloat32> confidence = tf.math.add(tf.select(unknown, chosen, tf.constant(KNOWN)),
          tf.math.mul(tf.math.mul(temperature, tf.constant((float) (1 - ratio))), noise));

      Operand<TInt32> unknownCount = tf.reduceSum(tf.dtypes.cast(unknown, TInt32.class), tf.constant(1),
          ReduceSum.keepDims(true));
      int scheduled = (int) Math.floor(seqLen * Math.cos(Math.PI / 2 * ratio));
      Operand<TInt32> maskLen = tf.math.maximum(tf.constant(1),
          tf.math.minimum(tf.math.sub(unknownCount, tf.constant(1)), tf.constant(scheduled)));
      Operand<TFloat32> ascending = tf.math.neg(tf.nn.topK(tf.math.neg(confidence), tf.constant(seqLen),
          TInt32.class).values());
      Operand<TFloat32> cutoff = tf.gather(ascending, maskLen, tf.constant(1), Gather.batchDims(1L));
      ids = tf.select(tf.math.less(confidence, cutoff), mask, sampled);
    }
    return sampled;
  }

  /** −log(−log u): standard Gumbel noise from uniforms in (0, 1). */
  private static Operand<TFloat32> gumbel(Ops tf, Operand<TFloat32> u) {
    return tf.math.neg(tf.math.log(tf.math.neg(tf.math.log(u))));
  }
}
