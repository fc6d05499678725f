package org.sorcen.graph.vqgan;

import java.util.List;
import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.Precision;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * The building blocks of taming's {@code diffusionmodules/model.py} as MAGE uses them, in NHWC:
 * {@code Normalize} (GroupNorm, 32 groups, eps 1e-6, affine), {@code nonlinearity} (swish),
 * {@code Conv2d}, {@code Upsample} (nearest ×2, then a 3×3 conv) and the encoder's {@code Downsample}
 * (MAGE's Encoder is built with {@code resamp_with_conv=False}: a 2×2 average pool with stride 2, no
 * parameters).
 *
 * <p>Conv kernels are stored in TensorFlow's layout HWIO ({@code [kh, kw, in, out]}) under the
 * official parameter names; the official OIHW tensors are transposed on import. Variables start at
 * zero: a VQGAN is only ever imported here, never trained.
 *
 * <p>Only the convolutions follow the compute dtype ({@link Precision}); norms, swish and pooling stay
 * float32. The decoder is always float32.
 */
public final class VqganLayers {
  /** taming's {@code Normalize}: {@code torch.nn.GroupNorm(num_groups=32, eps=1e-6)}. */
  static final float GROUP_NORM_EPS = 1e-6f;

  static final Precision FLOAT32 = Precision.of("float32");

  private VqganLayers() {}

  static void declareConv(
      Variables vars, String prefix, int kernel, int in, int out, boolean bias) {
    Shape w = Shape.of(kernel, kernel, in, out);
    vars.create(prefix + ".weight", w, VariableRole.TRAINABLE, Initializers.zeros(w));
    if (bias) {
      vars.create(
          prefix + ".bias",
          Shape.of(out),
          VariableRole.TRAINABLE,
          Initializers.zeros(Shape.of(out)));
    }
  }

  static void declareNorm(Variables vars, String prefix, int channels) {
    vars.create(
        prefix + ".weight",
        Shape.of(channels),
        VariableRole.TRAINABLE,
        Initializers.ones(Shape.of(channels)));
    vars.create(
        prefix + ".bias",
        Shape.of(channels),
        VariableRole.TRAINABLE,
        Initializers.zeros(Shape.of(channels)));
  }

  /**
   * {@code Conv2d(stride=1, padding=(k−1)/2)}: for odd k and stride 1 that is exactly TF's SAME
   * (the same zeros on every side).
   */
  static Operand<TFloat32> conv(
      Ops tf, WeightSource w, String prefix, Operand<TFloat32> x, boolean bias) {
    return conv(tf, FLOAT32, w, prefix, x, bias);
  }

  static Operand<TFloat32> conv(
      Ops tf, Precision p, WeightSource w, String prefix, Operand<TFloat32> x, boolean bias) {
    Operand<TFloat32> y = p.conv2d(tf, x, w.weight(prefix + ".weight"), "SAME");
    return bias ? tf.nn.biasAdd(y, w.weight(prefix + ".bias")) : y;
  }

  /**
   * GroupNorm over (H, W, C/G) per group with the biased variance, as torch computes it, as
   * {@code (x − mean)·(rsqrt(var + eps)·weight) + bias}. The statistics are means over the contiguous
   * axes of {@code [B, H·W, C]}, first over positions and then within each group: one reduction over
   * axes (1, 2, 4) of {@code [B, H, W, G, C/G]} ran about three times slower on this CPU
   * (results/performance.md).
   */
  static Operand<TFloat32> groupNorm(Ops tf, WeightSource w, String prefix, Operand<TFloat32> x) {
    Shape s = x.shape();
    long h = s.get(1);
    long wd = s.get(2);
    long c = s.get(3);
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, h * wd, c}));
    Operand<TFloat32> centred = tf.math.sub(flat, groupMean(tf, flat, c));
    Operand<TFloat32> variance = groupMean(tf, tf.math.square(centred), c);
    Operand<TFloat32> scale =
        tf.math.mul(
            tf.math.rsqrt(tf.math.add(variance, tf.constant(GROUP_NORM_EPS))),
            w.weight(prefix + ".weight"));
    Operand<TFloat32> normed = tf.math.add(tf.math.mul(centred, scale), w.weight(prefix + ".bias"));
    return tf.reshape(normed, tf.constant(new long[] {-1, h, wd, c}));
  }

  /**
   * Each group's mean over all positions and its C/G channels, repeated over those channels: {@code
   * [B, H·W, C]} to {@code [B, 1, C]}. Every channel has H·W values, so the mean of the channel means
   * is the group's mean.
   */
  private static Operand<TFloat32> groupMean(Ops tf, Operand<TFloat32> flat, long c) {
    long perGroup = c / VqganConfig.GROUPS;
    Operand<TFloat32> channelMeans = tf.math.mean(flat, tf.constant(1), Mean.keepDims(true));
    Operand<TFloat32> groupMeans =
        tf.math.mean(
            tf.reshape(channelMeans, tf.constant(new long[] {-1, 1, VqganConfig.GROUPS, perGroup})),
            tf.constant(3),
            Mean.keepDims(true));
    Operand<TFloat32> repeated = tf.tile(groupMeans, tf.constant(new long[] {1, 1, 1, perGroup}));
    return tf.reshape(repeated, tf.constant(new long[] {-1, 1, c}));
  }

  /** taming's {@code nonlinearity}: x·sigmoid(x). */
  static Operand<TFloat32> swish(Ops tf, Operand<TFloat32> x) {
    return tf.math.mul(x, tf.math.sigmoid(x));
  }

  /** {@code avg_pool2d(kernel_size=2, stride=2)} (floor on odd sides, as VALID). */
  static Operand<TFloat32> downsample(Ops tf, Operand<TFloat32> x) {
    return tf.nn.avgPool(x, List.of(1L, 2L, 2L, 1L), List.of(1L, 2L, 2L, 1L), "VALID");
  }

  /** {@code interpolate(scale_factor=2, mode="nearest")}: every pixel repeated into a 2×2 block, then the conv. */
  static Operand<TFloat32> upsample(Ops tf, WeightSource w, String prefix, Operand<TFloat32> x) {
    Shape s = x.shape();
    long h = s.get(1);
    long wd = s.get(2);
    long c = s.get(3);
    Operand<TFloat32> cells = tf.reshape(x, tf.constant(new long[] {-1, h, 1, wd, 1, c}));
    Operand<TFloat32> tiled = tf.tile(cells, tf.constant(new long[] {1, 1, 2, 1, 2, 1}));
    Operand<TFloat32> up = tf.reshape(tiled, tf.constant(new long[] {-1, 2 * h, 2 * wd, c}));
    return conv(tf, w, prefix + ".conv", up, true);
  }
}
