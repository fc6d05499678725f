package org.sorcen.graph.tokenizer;

import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Pixels [B, S, S, C] in [0, 1] to latents [B, S/f, S/f, code_dim]: a 3×3 stem, log2(f) stride-2
 * 4×4 convs (widths hidden_channels[0..L]), residual blocks at grid resolution, a 1×1 projection.
 */
public final class ConvEncoder {
  public static final String PREFIX = "encoder";

  private ConvEncoder() {}

  static void declare(Variables vars, Initializers init, TokenizerConfig cfg) {
    int[] w = cfg.hiddenChannels;
    Conv.declare(vars, init, PREFIX + ".conv_in", 3, cfg.channels, w[0]);
    for (int i = 0; i < cfg.levels(); i++) {
      Conv.declare(vars, init, PREFIX + ".down." + i, 4, w[i], w[i + 1]);
    }
    for (int r = 0; r < cfg.resBlocks; r++) {
      ResidualBlock.declare(vars, init, PREFIX + ".res." + r, w[cfg.levels()]);
    }
    Conv.declare(vars, init, PREFIX + ".conv_out", 1, w[cfg.levels()], cfg.codeDim);
  }

  public static Operand<TFloat32> apply(
      Ops tf, WeightSource w, TokenizerConfig cfg, Operand<TFloat32> pixels) {
    // Centre the input at 0: the stem then starts from symmetric activations.
    Operand<TFloat32> x = tf.math.sub(tf.math.mul(pixels, tf.constant(2f)), tf.constant(1f));
    Operand<TFloat32> h = tf.nn.relu(Conv.apply(tf, w, PREFIX + ".conv_in", x, 1));
    for (int i = 0; i < cfg.levels(); i++) {
      h = tf.nn.relu(Conv.apply(tf, w, PREFIX + ".down." + i, h, 2));
    }
    for (int r = 0; r < cfg.resBlocks; r++) {
      h = ResidualBlock.apply(tf, w, PREFIX + ".res." + r, h);
    }
    return Conv.apply(tf, w, PREFIX + ".conv_out", tf.nn.relu(h), 1);
  }
}
