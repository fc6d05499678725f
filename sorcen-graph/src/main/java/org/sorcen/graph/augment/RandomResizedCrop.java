package org.sorcen.graph.augment;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.core.Stack;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * torchvision's {@code RandomResizedCrop.get_params} and {@code RandomHorizontalFlip} (as MAGE's
 * main_pretrain.py composes them) drawn in-graph for a batch, from uniforms the caller supplies,
 * so that the run's counter-based random stream makes them reproducible and resume-exact.
 *
 * <p>The rule, per image of H×W: up to {@value #ATTEMPTS} attempts of a target area
 * H·W·U(scale_min, scale_max) and an aspect ratio exp(U(log 3/4, log 4/3)); w = round(√(area·ratio)),
 * h = round(√(area/ratio)); the first attempt with 0 &lt; w ≤ W and 0 &lt; h ≤ H wins, its corner
 * uniform over the positions where it fits; if none fits, the centre crop of the largest box whose
 * ratio is within [3/4, 4/3]. Every attempt's numbers are drawn (static shapes) and the first valid
 * one is picked, which gives the same distribution as torchvision's loop.
 */
public final class RandomResizedCrop {
  public static final int ATTEMPTS = 10;

  /** Uniforms per attempt: area, log-ratio, top, left. */
  static final int PER_ATTEMPT = 4;

  /** Uniforms per image: every attempt's, then the flip's. */
  public static final int UNIFORMS = ATTEMPTS * PER_ATTEMPT + 1;

  public static final double RATIO_MIN = 3.0 / 4.0;
  public static final double RATIO_MAX = 4.0 / 3.0;

  private RandomResizedCrop() {}

  /**
   * @param uniforms [B, {@link #UNIFORMS}] in [0, 1)
   * @param flip whether to draw a flip (probability 1/2) at all
   */
  public static CropBoxes sample(
      Ops tf,
      int height,
      int width,
      double scaleMin,
      double scaleMax,
      boolean flip,
      Operand<TFloat32> uniforms) {
    Operand<TFloat32> u =
        tf.reshape(
            tf.slice(
                uniforms,
                tf.constant(new int[] {0, 0}),
                tf.constant(new int[] {-1, ATTEMPTS * PER_ATTEMPT})),
            tf.constant(new int[] {-1, ATTEMPTS, PER_ATTEMPT}));
    double area = (double) height * width;
    Operand<TFloat32> target =
        tf.math.mul(tf.constant((float) area), lerp(tf, column(tf, u, 0), scaleMin, scaleMax));
    Operand<TFloat32> ratio =
        tf.math.exp(lerp(tf, column(tf, u, 1), Math.log(RATIO_MIN), Math.log(RATIO_MAX)));
    // Python's round() is half-to-even, as TensorFlow's Round.
    Operand<TInt32> w =
        tf.dtypes.cast(tf.math.round(tf.math.sqrt(tf.math.mul(target, ratio))), TInt32.class);
    Operand<TInt32> h =
        tf.dtypes.cast(tf.math.round(tf.math.sqrt(tf.math.div(target, ratio))), TInt32.class);
    Operand<TBool> fits =
        tf.math.logicalAnd(
            tf.math.logicalAnd(
                tf.math.greater(w, tf.constant(0)), tf.math.lessEqual(w, tf.constant(width))),
            tf.math.logicalAnd(
                tf.math.greater(h, tf.constant(0)), tf.math.lessEqual(h, tf.constant(height))));
    // randint(0, H − h + 1): floor(u·(H − h + 1)), kept below the bound where u rounds up to 1.
    Operand<TInt32> top = corner(tf, column(tf, u, 2), tf.math.sub(tf.constant(height), h));
    Operand<TInt32> left = corner(tf, column(tf, u, 3), tf.math.sub(tf.constant(width), w));
    Operand<TInt32> attempts = tf.stack(List.of(top, left, h, w), Stack.axis(2L)); // [B, A, 4]

    // The first attempt that fits: the largest of (A − k) over fitting k; 0 everywhere when none
    // does.
    float[] order = new float[ATTEMPTS];
    for (int k = 0; k < ATTEMPTS; k++) {
      order[k] = ATTEMPTS - k;
    }
    Operand<TFloat32> score =
        tf.select(fits, tf.constant(order), tf.zerosLike(tf.dtypes.cast(fits, TFloat32.class)));
    Operand<TInt32> first = tf.math.argMax(score, tf.constant(1), TInt32.class);
    Operand<TInt32> chosen = tf.gather(attempts, first, tf.constant(1), Gather.batchDims(1L));
    Operand<TBool> anyFits = tf.reduceAny(fits, tf.constant(1));
    Operand<TInt32> boxes =
        tf.select(
            tf.expandDims(anyFits, tf.constant(1)), chosen, tf.constant(fallback(height, width)));

    Operand<TFloat32> flipDraw =
        tf.reshape(
            tf.slice(
                uniforms, tf.constant(new int[] {0, UNIFORMS - 1}), tf.constant(new int[] {-1, 1})),
            tf.constant(new int[] {-1}));
    Operand<TBool> flips =
        flip ? tf.math.less(flipDraw, tf.constant(0.5f)) : tf.math.less(flipDraw, tf.constant(0f));
    return new CropBoxes(boxes, flips);
  }

  /** torchvision's fallback: the centre crop of the whole image, narrowed to the ratio bounds. */
  public static int[] fallback(int height, int width) {
    double inRatio = (double) width / height;
    int w = width;
    int h = height;
    if (inRatio < RATIO_MIN) {
      h = (int) Math.rint(w / RATIO_MIN);
    } else if (inRatio > RATIO_MAX) {
      w = (int) Math.rint(h * RATIO_MAX);
    }
    return new int[] {(height - h) / 2, (width - w) / 2, h, w};
  }

  private static Operand<TFloat32> column(Ops tf, Operand<TFloat32> u, int k) {
    Operand<TFloat32> c =
        tf.slice(u, tf.constant(new int[] {0, 0, k}), tf.constant(new int[] {-1, -1, 1}));
    return tf.squeeze(c, Squeeze.axis(List.of(2L)));
  }

  private static Operand<TFloat32> lerp(Ops tf, Operand<TFloat32> u, double lo, double hi) {
    return tf.math.add(tf.constant((float) lo), tf.math.mul(u, tf.constant((float) (hi - lo))));
  }

  private static Operand<TInt32> corner(Ops tf, Operand<TFloat32> u, Operand<TInt32> slack) {
    Operand<TInt32> span = tf.math.add(tf.math.maximum(slack, tf.constant(0)), tf.constant(1));
    Operand<TInt32> at =
        tf.dtypes.cast(
            tf.math.floor(tf.math.mul(u, tf.dtypes.cast(span, TFloat32.class))), TInt32.class);
    return tf.math.minimum(at, tf.math.sub(span, tf.constant(1)));
  }
}
