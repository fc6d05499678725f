package org.sorcen.graph.vqgan;

import org.sorcen.graph.nn.Precision;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * MAGE's {@code ResnetBlock} (its copy of taming's model.py, ported from the JAX VQGAN), which
 * differs from taming's own: {@code conv1}, {@code conv2} and {@code nin_shortcut} have no bias, and
 * when the width changes the shortcut is {@code nin_shortcut} (1×1, out→out) applied to the
 * residual branch {@code h}, not to the input, so the block returns {@code h + nin_shortcut(h)}.
 * No timestep embedding ({@code temb_channels = 0}); dropout is off at inference.
 */
final class ResnetBlock {
  private ResnetBlock() {}

  static void declare(Variables vars, String prefix, int in, int out) {
    VqganLayers.declareNorm(vars, prefix + ".norm1", in);
    VqganLayers.declareConv(vars, prefix + ".conv1", 3, in, out, false);
    VqganLayers.declareNorm(vars, prefix + ".norm2", out);
    VqganLayers.declareConv(vars, prefix + ".conv2", 3, out, out, false);
    if (in != out) {
      VqganLayers.declareConv(vars, prefix + ".nin_shortcut", 1, out, out, false);
    }
  }

  static Operand<TFloat32> apply(
      Ops tf, WeightSource w, String prefix, Operand<TFloat32> x, int in, int out) {
    return apply(tf, VqganLayers.FLOAT32, w, prefix, x, in, out);
  }

  static Operand<TFloat32> apply(
      Ops tf, Precision p, WeightSource w, String prefix, Operand<TFloat32> x, int in, int out) {
    Operand<TFloat32> h = VqganLayers.swish(tf, VqganLayers.groupNorm(tf, w, prefix + ".norm1", x));
    h = VqganLayers.conv(tf, p, w, prefix + ".conv1", h, false);
    h = VqganLayers.swish(tf, VqganLayers.groupNorm(tf, w, prefix + ".norm2", h));
    h = VqganLayers.conv(tf, p, w, prefix + ".conv2", h, false);
    Operand<TFloat32> shortcut =
        in != out ? VqganLayers.conv(tf, p, w, prefix + ".nin_shortcut", h, false) : x;
    return tf.math.add(shortcut, h);
  }
}
