package org.sorcen.graph.augment;

import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * Crop, resize and flip of uint8 images as torchvision does them on PIL images
 * ({@code F.resized_crop}: {@code img.crop(box).resize(size, filter)}, then {@code F.hflip}), with a
 * different box per image. TensorFlow's resize ops take one size for the whole batch and do not
 * antialias, so the resize is written out as PIL's separable resampling (Pillow's Resample.c): per
 * image, a weight matrix per axis ({@code precompute_coeffs}: the filter stretched by the
 * down-scaling factor, centred at (o + ½)·scale, cut at the crop's edges, normalised, in double),
 * turned into PIL's 22-bit fixed-point coefficients ({@code normalize_coeffs_8bpc}), applied by
 * batched matmuls in float64 (whose integer sums are exact, as PIL's int32 ones), horizontal pass
 * first, each pass rounded and clipped to 8 bits as {@code clip8}. So the crops equal PIL's to the
 * grey level (checked against torchvision in {@code OfficialMageStepTest}); a float32 resize without
 * the fixed point differed in 3% of the values by one level, enough to flip VQGAN codes.
 */
public final class ResizedCrop {
  /** PIL's resampling filters torchvision's {@code interpolation} selects. */
  public enum Filter {
    /** InterpolationMode.BILINEAR, torchvision's default and what MAGE's RandomResizedCrop uses. */
    BILINEAR(1),
    /** InterpolationMode.BICUBIC (PIL's a = −0.5). */
    BICUBIC(2);

    final double support;

    Filter(double support) {
      this.support = support;
    }

    /** The filter a config names ("bilinear", "bicubic"). */
    public static Filter of(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  /** Pillow's PRECISION_BITS: 32 − 8 − 2. */
  static final int PRECISION_BITS = 22;

  private ResizedCrop() {}

  /**
   * @param images uint8 [B, H, W, C] with static H, W, C
   * @param crops boxes in pixels of {@code images} (inside them), and flips
   * @return uint8 [B, outHeight, outWidth, C]
   */
  public static Operand<TUint8> apply(
      Ops tf, Operand<TUint8> images, CropBoxes crops, int outHeight, int outWidth, Filter filter) {
    long[] s = images.shape().asArray();
    int height = (int) s[1];
    int width = (int) s[2];
    Operand<TInt32> boxes = crops.boxes();
    Operand<TFloat64> rows =
        coefficients(tf, column(tf, boxes, 0), column(tf, boxes, 2), height, outHeight, filter);
    Operand<TFloat64> cols =
        coefficients(tf, column(tf, boxes, 1), column(tf, boxes, 3), width, outWidth, filter);
    // [B, C, H, W]: every channel of an image shares its image's matrices.
    Operand<TFloat64> x =
        tf.linalg.transpose(
            tf.dtypes.cast(images, TFloat64.class), tf.constant(new int[] {0, 3, 1, 2}));
    Operand<TFloat64> colsT =
        tf.expandDims(tf.linalg.transpose(cols, tf.constant(new int[] {0, 2, 1})), tf.constant(1));
    Operand<TFloat64> horizontal =
        clip8(tf, tf.train.batchMatMul(x, colsT, TFloat64.class)); // [B, C, H, outW]
    Operand<TFloat64> both =
        clip8(
            tf,
            tf.train.batchMatMul(
                tf.expandDims(rows, tf.constant(1)),
                horizontal,
                TFloat64.class)); // [B, C, outH, outW]
    Operand<TFloat64> out = tf.linalg.transpose(both, tf.constant(new int[] {0, 2, 3, 1}));
    Operand<TFloat64> mirrored = tf.reverse(out, tf.constant(new int[] {2}));
    Operand<TBool> flip = tf.reshape(crops.flips(), tf.constant(new int[] {-1, 1, 1, 1}));
    return tf.dtypes.cast(tf.select(flip, mirrored, out), TUint8.class);
  }

  /**
   * [B, out, in] fixed-point coefficients (integers, scaled by 2²²): row o of image b weighs input
   * pixel r by filter(((k − centre) + ½)·(1/fs)), k = r − start, centre = (o + ½)·length/out,
   * fs = max(length/out, 1), for 0 ≤ k &lt; length; normalised, then rounded away from zero to 2⁻²²
   * as PIL rounds them. The same arithmetic, in the same order, as Pillow's precompute_coeffs.
   */
  static Operand<TFloat64> coefficients(
      Ops tf, Operand<TInt32> start, Operand<TInt32> length, int in, int out, Filter filter) {
    Operand<TFloat64> len =
        tf.expandDims(
            tf.expandDims(tf.dtypes.cast(length, TFloat64.class), tf.constant(1)),
            tf.constant(2)); // [B, 1, 1]
    Operand<TFloat64> scale = tf.math.div(len, tf.constant((double) out));
    Operand<TFloat64> inverse =
        tf.math.div(tf.constant(1.0), tf.math.maximum(scale, tf.constant(1.0)));
    double[] halfOut = new double[out];
    for (int o = 0; o < out; o++) {
      halfOut[o] = o + 0.5;
    }
    Operand<TFloat64> centre =
        tf.math.mul(tf.reshape(tf.constant(halfOut), tf.constant(new int[] {1, out, 1})), scale);
    double[] pixel = new double[in];
    for (int r = 0; r < in; r++) {
      pixel[r] = r;
    }
    Operand<TFloat64> k =
        tf.math.sub(
            tf.reshape(tf.constant(pixel), tf.constant(new int[] {1, 1, in})),
            tf.expandDims(
                tf.expandDims(tf.dtypes.cast(start, TFloat64.class), tf.constant(1)),
                tf.constant(2)));
    Operand<TFloat64> t =
        tf.math.mul(tf.math.add(tf.math.sub(k, centre), tf.constant(0.5)), inverse); // [B, out, in]
    Operand<TBool> inside =
        tf.math.logicalAnd(tf.math.greaterEqual(k, tf.constant(0.0)), tf.math.less(k, len));
    Operand<TFloat64> w = tf.select(inside, kernel(tf, t, filter), tf.zerosLike(t));
    Operand<TFloat64> sum = tf.reduceSum(w, tf.constant(2), ReduceSum.keepDims(true));
    Operand<TFloat64> normalised = tf.math.divNoNan(w, sum);
    Operand<TFloat64> scaled = tf.math.mul(normalised, tf.constant((double) (1 << PRECISION_BITS)));
    // (int)(0.5 + k·2²²) for k ≥ 0, (int)(−0.5 + k·2²²) for k < 0: half away from zero, truncated.
    return tf.math.mul(
        tf.math.sign(scaled), tf.math.floor(tf.math.add(tf.math.abs(scaled), tf.constant(0.5))));
  }

  /** PIL's filters: triangle, and Keys' cubic with a = −0.5, in its order of operations; 0 beyond their support. */
  static Operand<TFloat64> kernel(Ops tf, Operand<TFloat64> t, Filter filter) {
    Operand<TFloat64> x = tf.math.abs(t);
    Operand<TFloat64> zero = tf.zerosLike(x);
    Operand<TFloat64> one = tf.constant(1.0);
    if (filter == Filter.BILINEAR) {
      return tf.select(tf.math.less(x, one), tf.math.sub(one, x), zero);
    }
    double a = -0.5;
    Operand<TFloat64> near =
        tf.math.add(
            tf.math.mul(
                tf.math.mul(tf.math.sub(tf.math.mul(tf.constant(a + 2), x), tf.constant(a + 3)), x),
                x),
            one);
    Operand<TFloat64> far =
        tf.math.mul(
            tf.math.sub(
                tf.math.mul(
                    tf.math.add(tf.math.mul(tf.math.sub(x, tf.constant(5.0)), x), tf.constant(8.0)),
                    x),
                tf.constant(4.0)),
            tf.constant(a));
    return tf.select(
        tf.math.less(x, one), near, tf.select(tf.math.less(x, tf.constant(2.0)), far, zero));
  }

  /** PIL's clip8 of a fixed-point sum: (sum + 2²¹) >> 22, clipped to [0, 255]. */
  private static Operand<TFloat64> clip8(Ops tf, Operand<TFloat64> sum) {
    Operand<TFloat64> shifted =
        tf.math.floor(
            tf.math.div(
                tf.math.add(sum, tf.constant((double) (1 << (PRECISION_BITS - 1)))),
                tf.constant((double) (1 << PRECISION_BITS))));
    return tf.clipByValue(shifted, tf.constant(0.0), tf.constant(255.0));
  }

  private static Operand<TInt32> column(Ops tf, Operand<TInt32> boxes, int k) {
    return tf.reshape(
        tf.slice(boxes, tf.constant(new int[] {0, k}), tf.constant(new int[] {-1, 1})),
        tf.constant(new int[] {-1}));
  }
}
