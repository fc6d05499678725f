package org.sorcen.graph.model;

import java.util.List;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.nn.CounterRandom;
import org.sorcen.graph.nn.LayerContext;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.SwitchCond;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * MAGE's iterative decoding (ALGORITHM.md §7) entirely in-graph, random only through
 * {@link CounterRandom} keyed by each row's seed: start from MASK (or from known tokens); at each
 * step sample every position, keep the known ones, and re-mask the least confident ones
 * (log-probability plus annealed Gumbel noise) on a cosine schedule.
 *
 * <p>The number of steps T is a tensor: the graph is unrolled {@code maxSteps} times and steps
 * t ≥ T are skipped with Switch/Merge (stock TensorFlow control flow), so an exported generator
 * takes T as an input and costs only T steps.
 */
public final class IterativeDecoder {
  /**
   * The paper's sampling settings (MAGE's temperature 4.5 over 12 steps): the defaults of the exported
   * generator, {@code ./sorcen generate}, the generation evaluators and a run's sample grids.
   */
  public static final float DEFAULT_TEMPERATURE = 4.5f;

  public static final int DEFAULT_STEPS = 12;

  /** Confidence of positions that are already known: never re-masked. */
  static final float KNOWN = 1e30f;

  private IterativeDecoder() {}

  /**
   * @param ctx an inference context (no dropout)
   * @param seeds [B] one seed per image
   * @param start [B, L] ids, MASK where unknown (all MASK for unconditional generation)
   * @param temperature Gumbel temperature of the re-masking (default {@value #DEFAULT_TEMPERATURE})
   * @param steps T, at most {@code maxSteps}
   * @return [B, L] ids in [0, C)
   */
  public static Operand<TInt64> decode(
      LayerContext ctx,
      ModelConfig m,
      Operand<TInt64> seeds,
      Operand<TInt64> start,
      Operand<TFloat32> temperature,
      Operand<TInt32> steps,
      int maxSteps) {
    Ops tf = ctx.tf();
    Operand<TInt64> ids = start;
    Operand<TInt64> sampled = start;
    Operand<TFloat32> total = tf.dtypes.cast(steps, TFloat32.class);
    for (int t = 0; t < maxSteps; t++) {
      Operand<TBool> active = tf.math.less(tf.constant(t), steps);
      SwitchCond<TInt64> idsIn = tf.switchCond(ids, active);
      SwitchCond<TInt64> sampledIn = tf.switchCond(sampled, active);
      Operand<TInt64> seedsIn = tf.switchCond(seeds, active).outputTrue();
      Operand<TFloat32> temperatureIn = tf.switchCond(temperature, active).outputTrue();
      Step next = step(ctx, m, seedsIn, idsIn.outputTrue(), temperatureIn, t, total);
      ids = tf.merge(List.of(idsIn.outputFalse(), next.ids())).output();
      sampled = tf.merge(List.of(sampledIn.outputFalse(), next.sampled())).output();
    }
    return sampled;
  }

  /** The ids after a step (MASK where re-masked) and the ids it sampled. */
  private record Step(Operand<TInt64> ids, Operand<TInt64> sampled) {}

  /** One decoding step at index t of T. */
  private static Step step(
      LayerContext ctx,
      ModelConfig m,
      Operand<TInt64> seeds,
      Operand<TInt64> ids,
      Operand<TFloat32> temperature,
      int t,
      Operand<TFloat32> total) {
    Ops tf = ctx.tf();
    int seqLen = m.seqLen();
    int c = m.codebookSize;
    Operand<TInt64> mask = tf.constant((long) m.maskId());
    Operand<TBool> unknown = tf.math.equal(ids, mask);
    Operand<TFloat32> latent =
        Encoder.apply(ctx, m, Encoder.STUDENT_BLOCKS, Encoder.withCls(tf, m, ids), null);
    Operand<TFloat32> logits = Decoder.apply(ctx, m, latent, tf.zerosLike(unknown), unknown);
    logits =
        tf.slice(logits, tf.constant(new int[] {0, 1, 0}), tf.constant(new int[] {-1, seqLen, c}));
    Operand<TFloat32> logp = tf.nn.logSoftmax(logits);

    // Gumbel-max: argmax(log p + g) is a draw from softmax(logits).
    Operand<TFloat32> u =
        tf.reshape(
            CounterRandom.uniform(tf, seeds, 2L * t, seqLen * c),
            tf.constant(new long[] {-1, seqLen, c}));
    Operand<TInt64> draw = tf.math.argMax(tf.math.add(logp, gumbel(tf, u)), tf.constant(-1));
    Operand<TInt64> sampled = tf.select(unknown, draw, ids);

    Operand<TFloat32> ratio = tf.math.div(tf.constant(t + 1f), total);
    Operand<TFloat32> chosen =
        tf.reduceSum(
            tf.math.mul(logp, tf.oneHot(sampled, tf.constant(c), tf.constant(1f), tf.constant(0f))),
            tf.constant(-1));
    Operand<TFloat32> noise = gumbel(tf, CounterRandom.uniform(tf, seeds, 2L * t + 1, seqLen));
    Operand<TFloat32> anneal = tf.math.mul(temperature, tf.math.sub(tf.constant(1f), ratio));
    Operand<TFloat32> confidence =
        tf.math.add(tf.select(unknown, chosen, tf.constant(KNOWN)), tf.math.mul(anneal, noise));

    Operand<TInt32> unknownCount =
        tf.reduceSum(
            tf.dtypes.cast(unknown, TInt32.class), tf.constant(1), ReduceSum.keepDims(true));
    Operand<TInt32> scheduled =
        tf.dtypes.cast(
            tf.math.floor(
                tf.math.mul(
                    tf.constant((float) seqLen),
                    tf.math.cos(tf.math.mul(tf.constant((float) (Math.PI / 2)), ratio)))),
            TInt32.class);
    Operand<TInt32> maskLen =
        tf.math.maximum(
            tf.constant(1), tf.math.minimum(tf.math.sub(unknownCount, tf.constant(1)), scheduled));
    Operand<TFloat32> ascending =
        tf.math.neg(
            tf.nn.topK(tf.math.neg(confidence), tf.constant(seqLen), TInt32.class).values());
    Operand<TFloat32> cutoff = tf.gather(ascending, maskLen, tf.constant(1), Gather.batchDims(1L));
    Operand<TInt64> next = tf.select(tf.math.less(confidence, cutoff), mask, sampled);
    return new Step(next, sampled);
  }

  /** −log(−log u): standard Gumbel noise from uniforms in (0, 1). */
  private static Operand<TFloat32> gumbel(Ops tf, Operand<TFloat32> u) {
    return tf.math.neg(tf.math.log(tf.math.neg(tf.math.log(u))));
  }
}
