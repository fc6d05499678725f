package org.sorcen.graph.tokenizer;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Nearest-code assignment, the straight-through estimator and the commitment loss. The codebook
 * itself is not trained by gradients (see {@link EmaCodebook}).
 */
public final class VectorQuantizer {
  private VectorQuantizer() {}

  /**
   * Index of the nearest code (squared Euclidean) for each row of {@code z} [N, D], codebook [C, D].
   * |z|² is left out: it is the same for every code of a row and cannot change the argmin. Callers
   * pass a stop-gradient z, so the gradient builder never meets ArgMin.
   */
  public static Operand<TInt64> nearest(Ops tf, Operand<TFloat32> z, Operand<TFloat32> codebook) {
    Operand<TFloat32> dot = tf.linalg.matMul(z, codebook, MatMul.transposeB(true));
    Operand<TFloat32> codeNorms = tf.reduceSum(tf.math.square(codebook), tf.constant(1));
    Operand<TFloat32> distances = tf.math.sub(codeNorms, tf.math.mul(dot, tf.constant(2f)));
    return tf.math.argMin(distances, tf.constant(1), TInt64.class);
  }

  public static Operand<TFloat32> lookup(Ops tf, Operand<TFloat32> codebook, Operand<TInt64> ids) {
    return tf.gather(codebook, ids, tf.constant(0));
  }

  /** Forward: the code; backward: the identity to z, so the decoder's gradient reaches the encoder. */
  public static Operand<TFloat32> straightThrough(
      Ops tf, Operand<TFloat32> z, Operand<TFloat32> quantized) {
    return tf.math.add(z, tf.stopGradient(tf.math.sub(quantized, z)));
  }

  /** mean |z − sg(e)|²: pulls the encoder towards its codes (β is applied by the caller). */
  public static Operand<TFloat32> commitment(
      Ops tf, Operand<TFloat32> z, Operand<TFloat32> quantized) {
    Operand<TFloat32> sq = tf.math.squaredDifference(z, tf.stopGradient(quantized));
    return tf.math.mean(sq, tf.constant(new int[] {0, 1}));
  }

  /** Number of codes used at least once by {@code ids}. */
  public static Operand<TFloat32> codesUsed(Ops tf, Operand<TInt64> ids, int codebookSize) {
    Operand<TFloat32> counts =
        tf.math.unsortedSegmentSum(
            tf.onesLike(tf.dtypes.cast(ids, TFloat32.class)), ids, tf.constant(codebookSize));
    return tf.reduceSum(
        tf.dtypes.cast(tf.math.greater(counts, tf.constant(0f)), TFloat32.class),
        tf.constant(0),
        ReduceSum.keepDims(false));
  }
}
