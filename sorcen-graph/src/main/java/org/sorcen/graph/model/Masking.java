package org.sorcen.graph.model;

import java.util.List;
import org.sorcen.graph.config.MaskingConfig;
import org.sorcen.graph.nn.RandomStream;
import org.sorcen.graph.nn.Shapes;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * MAGE's variable-ratio masking (ALGORITHM.md §4.1–4.2), all in-graph with static shapes: one mask rate
 * per batch from a truncated normal, a uniformly random order per row, the first n_drop positions
 * dropped and the first n_mask masked.
 */
public final class Masking {
  private Masking() {}

  public static MaskSample sample(
      Ops tf, MaskingConfig cfg, int seqLen, Operand<TInt64> tokens, RandomStream random) {
    Operand<TFloat32> rate = maskRate(tf, cfg, random);
    Operand<TInt32> batch = Shapes.batchSize(tf, tokens);
    Operand<TFloat32> noise = random.uniformRows(tf, tf.stack(List.of(batch, tf.constant(seqLen))));
    // rank[b, i] = place of position i in row b's random order.
    Operand<TInt32> order =
        tf.nn.topK(tf.math.neg(noise), tf.constant(seqLen), TInt32.class).indices();
    Operand<TInt32> rank =
        tf.nn
            .topK(
                tf.math.neg(tf.dtypes.cast(order, TFloat32.class)),
                tf.constant(seqLen),
                TInt32.class)
            .indices();
    int numDropped = cfg.numDropped(seqLen);
    Operand<TInt32> numMasked =
        tf.dtypes.cast(tf.math.ceil(tf.math.mul(rate, tf.constant((float) seqLen))), TInt32.class);
    numMasked =
        tf.math.maximum(tf.math.minimum(numMasked, tf.constant(seqLen)), tf.constant(numDropped));
    Operand<TBool> dropped = tf.math.less(rank, tf.constant(numDropped));
    Operand<TBool> masked = tf.math.less(rank, numMasked);
    return new MaskSample(
        dropped, masked, keptPositions(tf, dropped, seqLen, seqLen - numDropped), rate);
  }

  /**
   * r ~ normal(μ, σ) truncated to [min, max], by inverse-CDF sampling so that the shape is static
   * and no draw is rejected.
   */
  static Operand<TFloat32> maskRate(Ops tf, MaskingConfig cfg, RandomStream random) {
    double a = (cfg.maskRateMin - cfg.maskRateMean) / cfg.maskRateStd;
    double b = (cfg.maskRateMax - cfg.maskRateMean) / cfg.maskRateStd;
    Operand<TFloat32> lo = normalCdf(tf, a);
    Operand<TFloat32> hi = normalCdf(tf, b);
    Operand<TFloat32> u =
        tf.random.statelessRandomUniform(tf.constant(new int[0]), random.next(tf));
    Operand<TFloat32> p = tf.math.add(lo, tf.math.mul(tf.math.sub(hi, lo), u));
    Operand<TFloat32> r =
        tf.math.add(
            tf.constant((float) cfg.maskRateMean),
            tf.math.mul(tf.constant((float) cfg.maskRateStd), tf.math.ndtri(p)));
    return tf.clipByValue(
        r, tf.constant((float) cfg.maskRateMin), tf.constant((float) cfg.maskRateMax));
  }

  private static Operand<TFloat32> normalCdf(Ops tf, double x) {
    return tf.math.mul(
        tf.constant(0.5f),
        tf.math.add(tf.constant(1f), tf.math.erf(tf.constant((float) (x / Math.sqrt(2))))));
  }

  /** Positions not dropped, ascending: the k largest of (L − i) for kept i, (−1 − i) for dropped i. */
  public static Operand<TInt32> keptPositions(
      Ops tf, Operand<TBool> dropped, int seqLen, int kept) {
    float[] keepScore = new float[seqLen];
    float[] dropScore = new float[seqLen];
    for (int i = 0; i < seqLen; i++) {
      keepScore[i] = seqLen - i;
      dropScore[i] = -1 - i;
    }
    // SelectV2 broadcasts the [L] score rows over the batch.
    Operand<TFloat32> score = tf.select(dropped, tf.constant(dropScore), tf.constant(keepScore));
    return tf.nn.topK(score, tf.constant(kept), TInt32.class).indices();
  }
}
