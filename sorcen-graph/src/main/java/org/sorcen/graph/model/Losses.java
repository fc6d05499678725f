package org.sorcen.graph.model;

import org.sorcen.graph.nn.Activations;
import org.sorcen.graph.nn.Shapes;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** The loss terms of ALGORITHM.md §4.5–§4.12, each a float32 scalar. */
public final class Losses {
  private Losses() {}

  /**
   * Label-smoothed cross entropy over the first C ids at grid positions, averaged over masked
   * positions: (1−ε)·(−log p_target) + ε·mean_c(−log p_c). {@code grid}: the decoder's logits at
   * the grid positions over the codebook, [B, L, C].
   */
  public static Operand<TFloat32> reconstruction(
      Ops tf,
      Operand<TFloat32> grid,
      Operand<TInt64> tokens,
      Operand<TBool> masked,
      int codebookSize,
      double smoothing) {
    Operand<TFloat32> logp = Activations.logSoftmax(tf, grid);
    Operand<TFloat32> target =
        tf.oneHot(tokens, tf.constant(codebookSize), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> nll = tf.math.neg(tf.reduceSum(tf.math.mul(target, logp), tf.constant(-1)));
    Operand<TFloat32> uniform = tf.math.neg(tf.math.mean(logp, tf.constant(-1)));
    Operand<TFloat32> perPosition =
        tf.math.add(
            tf.math.mul(nll, tf.constant((float) (1 - smoothing))),
            tf.math.mul(uniform, tf.constant((float) smoothing)));
    Operand<TFloat32> weight = tf.dtypes.cast(masked, TFloat32.class);
    return tf.math.divNoNan(
        tf.reduceSum(tf.math.mul(perPosition, weight), tf.constant(new int[] {0, 1})),
        tf.reduceSum(weight, tf.constant(new int[] {0, 1})));
  }

  /** U = w · mean((f·fᵀ)²) with f the l2-normalised mean of all latent positions, CLS included. */
  public static Operand<TFloat32> uniformity(Ops tf, Operand<TFloat32> latent, double weight) {
    return uniformityOfMeans(tf, tf.math.mean(latent, tf.constant(1)), weight);
  }

  /** The uniformity term from the [B, D] per-row means of the latent. */
  public static Operand<TFloat32> uniformityOfMeans(
      Ops tf, Operand<TFloat32> means, double weight) {
    Operand<TFloat32> f = l2Normalize(tf, means);
    Operand<TFloat32> sim = tf.linalg.matMul(f, f, MatMul.transposeB(true));
    return tf.math.mul(
        tf.math.mean(tf.math.square(sim), tf.constant(new int[] {0, 1})),
        tf.constant((float) weight));
  }

  /**
   * w · CE(z·qᵀ/τ, arange(B)): rows are teacher projections, columns student predictions; both
   * l2-normalised.
   */
  public static Operand<TFloat32> contrastive(
      Ops tf, Operand<TFloat32> z, Operand<TFloat32> q, double temperature, double weight) {
    Operand<TFloat32> logits =
        tf.math.div(
            tf.linalg.matMul(l2Normalize(tf, z), l2Normalize(tf, q), MatMul.transposeB(true)),
            tf.constant((float) temperature));
    Operand<TFloat32> logp = tf.nn.logSoftmax(logits);
    Operand<TInt32> batch = Shapes.batchSize(tf, z);
    Operand<TFloat32> eye =
        tf.oneHot(
            tf.range(tf.constant(0), batch, tf.constant(1)),
            batch,
            tf.constant(1f),
            tf.constant(0f));
    Operand<TFloat32> ce =
        tf.math.neg(
            tf.math.mean(tf.reduceSum(tf.math.mul(eye, logp), tf.constant(1)), tf.constant(0)));
    return tf.math.mul(ce, tf.constant((float) weight));
  }

  /** Cross entropy and accuracy of the online classifier over rows whose label is >= 0. */
  public record Classification(Operand<TFloat32> loss, Operand<TFloat32> accuracy) {}

  public static Classification classifier(
      Ops tf, Operand<TFloat32> logits, Operand<TInt64> labels, int classes) {
    Operand<TBool> known = tf.math.greaterEqual(labels, tf.constant(0L));
    Operand<TFloat32> weight = tf.dtypes.cast(known, TFloat32.class);
    Operand<TInt64> safe = tf.math.maximum(labels, tf.constant(0L));
    Operand<TFloat32> target =
        tf.oneHot(safe, tf.constant(classes), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> nll =
        tf.math.neg(tf.reduceSum(tf.math.mul(target, tf.nn.logSoftmax(logits)), tf.constant(1)));
    Operand<TFloat32> count = tf.reduceSum(weight, tf.constant(0));
    Operand<TFloat32> loss =
        tf.math.divNoNan(tf.reduceSum(tf.math.mul(nll, weight), tf.constant(0)), count);
    Operand<TBool> right = tf.math.equal(tf.math.argMax(logits, tf.constant(1)), safe);
    Operand<TFloat32> hits = tf.math.mul(tf.dtypes.cast(right, TFloat32.class), weight);
    return new Classification(loss, tf.math.divNoNan(tf.reduceSum(hits, tf.constant(0)), count));
  }

  /** x / max(‖x‖, 1e-12) along the last axis, as torch.nn.functional.normalize. */
  public static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> norm =
        tf.math.sqrt(tf.reduceSum(tf.math.square(x), tf.constant(-1), ReduceSum.keepDims(true)));
    return tf.math.div(x, tf.math.maximum(norm, tf.constant(1e-12f)));
  }
}
