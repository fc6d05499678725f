package org.sorcen.graph.train;

import org.sorcen.graph.config.SorcenConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Schedules driven by the global step, so that a resumed run lands on exactly the values an
 * uninterrupted one would have: e = step / steps_per_epoch (fractional epochs), E = train.epochs.
 * <ul>
 *   <li>lr: linear warm-up to blr·B/256 over warmup_epochs, then half-cycle cosine to min_lr (ALGORITHM.md §6);
 *   <li>β: 1 − (1 − β₀)·(cos(π·e/E) + 1)/2 (ALGORITHM.md §5);
 *   <li>echo warm-up: true while e < echo.warmup_epochs.
 * </ul>
 */
public final class Schedules {
  private final Operand<TFloat32> epoch;
  private final Operand<TFloat32> learningRate;
  private final Operand<TFloat32> momentum;
  private final Operand<TBool> echoWarmup;

  public Schedules(Ops tf, SorcenConfig config, Operand<TInt64> step, double stepsPerEpoch) {
    if (!(stepsPerEpoch > 0)) {
      throw new IllegalArgumentException("steps per epoch must be > 0, got " + stepsPerEpoch);
    }
    double total = config.train.epochs;
    double warm = config.optimizer.warmupEpochs;
    double peak = config.optimizer.peakLr(config.train.batchSize);
    double min = config.optimizer.minLr;
    epoch = tf.math.div(tf.dtypes.cast(step, TFloat32.class), tf.constant((float) stepsPerEpoch));

    learningRate = warmupCosine(tf, epoch, warm, total, peak, min);

    Operand<TFloat32> runProgress =
        tf.math.minimum(tf.math.div(epoch, tf.constant((float) total)), tf.constant(1f));
    momentum =
        tf.math.sub(
            tf.constant(1f),
            tf.math.mul(
                tf.constant((float) (1 - config.ema.baseMomentum)), halfCosine(tf, runProgress)));
    echoWarmup = tf.math.less(epoch, tf.constant((float) config.echo.warmupEpochs));
  }

  /**
   * Linear warm-up from 0 to {@code peak} over {@code warm}, then half-cycle cosine down to {@code min}
   * at {@code total}; {@code t} and the lengths in one unit (epochs here, also used by the tokenizer).
   */
  public static Operand<TFloat32> warmupCosine(
      Ops tf, Operand<TFloat32> t, double warm, double total, double peak, double min) {
    Operand<TFloat32> warmLr =
        warm > 0 ? tf.math.mul(tf.constant((float) (peak / warm)), t) : tf.constant((float) peak);
    double span = Math.max(total - warm, 1e-12);
    Operand<TFloat32> progress =
        tf.math.minimum(
            tf.math.div(tf.math.sub(t, tf.constant((float) warm)), tf.constant((float) span)),
            tf.constant(1f));
    Operand<TFloat32> cosine = halfCosine(tf, progress);
    Operand<TFloat32> decayLr =
        tf.math.add(
            tf.constant((float) min), tf.math.mul(tf.constant((float) (peak - min)), cosine));
    return tf.select(tf.math.less(t, tf.constant((float) warm)), warmLr, decayLr);
  }

  /** (cos(π·p) + 1)/2: 1 at p = 0, 0 at p = 1. */
  private static Operand<TFloat32> halfCosine(Ops tf, Operand<TFloat32> p) {
    return tf.math.mul(
        tf.constant(0.5f),
        tf.math.add(tf.math.cos(tf.math.mul(p, tf.constant((float) Math.PI))), tf.constant(1f)));
  }

  public Operand<TFloat32> epoch() {
    return epoch;
  }

  public Operand<TFloat32> learningRate() {
    return learningRate;
  }

  /** EMA β. */
  public Operand<TFloat32> momentum() {
    return momentum;
  }

  public Operand<TBool> echoWarmup() {
    return echoWarmup;
  }
}
