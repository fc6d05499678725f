package org.sorcen.graph.augment;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * Crop, resize and flip of uint8 images as torchvision does them on PIL images
 * ({@code F.resized_crop}: {@code img.crop(box).resize(size, filter)}, then {@code F.hflip}), with a
 * different box per image. TensorFlow's resize ops take one size for the whole batch and do not
 * antialias, so the resize is written out as PIL's separable resampling: per image, a weight matrix
 * per axis (PIL's {@code precompute_coeffs}: the filter stretched by the down-scaling factor,
 * centred at (o + ½)·scale, cut at the crop's edges and normalised), applied by batched matmuls,
 * horizontal pass first, each pass rounded and clipped to 8 bits as PIL's {@code clip8} does.
 * PIL computes in 22-bit fixed point; this computes in float32, so a value can differ by one grey
 * level where a sum lands within float rounding of a half.
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
  }

  private ResizedCrop() {}

  /**
   * @param images uint8 [B, H, W, C] with static H, W, C
   * @param crops boxes in pixels of {@code images} (inside them), and flips
   * @return uint8 [B, outHeight, outWidth, C]
   */
  public static Operand<TUint8> apply(Ops tf, Operand<TUint8> images, CropBoxes crops, int outHeight, int outWidth,
      Filter filter) {
    long[] s = images.shape().asArray();
    int height = (int) s[1];
    int width = (int) s[2];
    Operand<TInt32> boxes = crops.boxes();
    Operand<TFloat32> rows = weights(tf, column(tf, boxes, 0), column(tf, boxes, 2), height, outHeight, filter);
    Operand<TFloat32> cols = weights(tf, column(tf, boxes, 1), column(tf, boxes, 3), width, outWidth, filter);
    // [B, C, H, W]: every channel of an image shares its image's matrices.
    Operand<TFloat32> x = tf.linalg.transpose(tf.dtypes.cast(images, TFloat32.class), tf.constant(new int[] {0, 3, 1, 2}));
    Operand<TFloat32> colsT = tf.expandDims(tf.linalg.transpose(cols, tf.constant(new int[] {0, 2, 1})), tf.constant(1));
    Operand<TFloat32> horizontal = clip8(tf, tf.train.batchMatMul(x, colsT, TFloat32.class));       // [B, C, H, outW]
    Operand<TFloat32> both = clip8(tf, tf.train.batchMatMul(tf.expandDims(rows, tf.constant(1)), horizontal,
        TFloat32.class));                                                                           // [B, C, outH, outW]
    Operand<TFloat32> out = tf.linalg.transpose(both, tf.constant(new int[] {0, 2, 3, 1}));
    Operand<TFloat32> mirrored = tf.reverse(out, tf.constant(new int[] {2}));
    Operand<TBool> flip = tf.reshape(crops.flips(), tf.constant(new int[] {-1, 1, 1, 1}));
    return tf.dtypes.cast(tf.select(flip, mirrored, out), TUint8.class);
  }

  /**
   * [B, out, in]: row o of image b weighs input pixel r by filter((r − start + ½ − centre)/fs),
   * centre = (o + ½)·length/out, fs = max(length/out, 1), for start ≤ r &lt; start + length; normalised.
   */
  static Operand<TFloat32> weights(Ops tf, Operand<TInt32> start, Operand<TInt32> length, int in, int out,
      Filter filter) {
    Operand<TFloat32> len = tf.expandDims(tf.expandDims(tf.dtypes.cast(length, TFloat32.class), tf.constant(1)),
        tf.constant(2));                                                                             // [B, 1, 1]
    Operand<TFloat32> scale = tf.math.div(len, tf.constant((float) out));
    Operand<TFloat32> stretch = tf.math.maximum(scale, tf.constant(1f));
    float[] halfOut = new float[out];
    for (int o = 0; o < out; o++) {
      halfOut[o] = o + 0.5f;
    }
    Operand<TFloat32> centre = tf.math.mul(tf.reshape(tf.constant(halfOut), tf.constant(new int[] {1, out, 1})), scale);
    float[] pixel = new float[in];
    for (int r = 0; r < in; r++) {
      pixel[r] = r;
    }
    Operand<TFloat32> k = tf.math.sub(tf.reshape(tf.constant(pixel), tf.constant(new int[] {1, 1, in})),
        tf.expandDims(tf.expandDims(tf.dtypes.cast(start, TFloat32.class), tf.constant(1)), tf.constant(2)));
    Operand<TFloat32> t = tf.math.div(tf.math.sub(tf.math.add(k, tf.constant(0.5f)), centre), stretch); // [B, out, in]
    Operand<TBool> inside = tf.math.logicalAnd(tf.math.greaterEqual(k, tf.constant(0f)), tf.math.less(k, len));
    Operand<TFloat32> w = tf.select(inside, kernel(tf, t, filter), tf.zerosLike(t));
    Operand<TFloat32> sum = tf.reduceSum(w, tf.constant(2), org.tensorflow.op.core.ReduceSum.keepDims(true));
    return tf.math.divNoNan(w, sum);
  }

  /** PIL's filters: triangle, and Keys' cubic with a = −0.5; both 0 beyond their support. */
  static Operand<TFloat32> kernel(Ops tf, Operand<TFloat32> t, Filter filter) {
    Operand<TFloat32> x = tf.math.abs(t);
    Operand<TFloat32> zero = tf.zerosLike(x);
    if (filter == Filter.BILINEAR) {
      return tf.math.maximum(tf.math.sub(tf.constant(1f), x), zero);
    }
    float a = -0.5f;
    Operand<TFloat32> x2 = tf.math.square(x);
    Operand<TFloat32> near = tf.math.add(tf.math.mul(tf.math.sub(tf.math.mul(tf.constant(a + 2), x), tf.constant(a + 3)),
        x2), tf.constant(1f));
    Operand<TFloat32> far = tf.math.mul(tf.math.sub(tf.math.mul(tf.math.add(tf.math.mul(tf.math.sub(x, tf.constant(5f)),
        x), tf.constant(8f)), x), tf.constant(4f)), tf.constant(a));
    return tf.select(tf.math.less(x, tf.constant(1f)), near, tf.select(tf.math.less(x, tf.constant(2f)), far, zero));
  }

  /** PIL's clip8 after a pass: round half up, clip to [0, 255]. */
  private static Operand<TFloat32> clip8(Ops tf, Operand<TFloat32> x) {
    return tf.clipByValue(tf.math.floor(tf.math.add(x, tf.constant(0.5f))), tf.constant(0f), tf.constant(255f));
  }

  private static Operand<TInt32> column(Ops tf, Operand<TInt32> boxes, int k) {
    return tf.reshape(tf.slice(boxes, tf.constant(new int[] {0, k}), tf.constant(new int[] {-1, 1})),
        tf.constant(new int[] {-1}));
  }
}
