package org.sorcen.graph.tokenizer;

import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Quantised latents [B, G, G, code_dim] to pixels [B, S, S, C] (unclipped; [0, 1] is the target):
 * the encoder mirrored, with nearest ×2 upsampling followed by a 3×3 conv in place of each
 * stride-2 conv (no transposed conv: its gradient op is missing in TF Java).
 */
public final class ConvDecoder {
  public static final String PREFIX = "decoder";

  private ConvDecoder() {}

  static void declare(Variables vars, Initializers init, TokenizerConfig cfg) {
    int[] w = cfg.hiddenChannels;
    int levels = cfg.levels();
    Conv.declare(vars, init, PREFIX + ".conv_in", 3, cfg.codeDim, w[levels]);
    for (int r = 0; r < cfg.resBlocks; r++) {
      ResidualBlock.declare(vars, init, PREFIX + ".res." + r, w[levels]);
    }
    for (int i = levels - 1; i >= 0; i--) {
      Conv.declare(vars, init, PREFIX + ".up." + i, 3, w[i + 1], w[i]);
    }
    Conv.declare(vars, init, PREFIX + ".conv_out", 3, w[0], cfg.channels);
  }

  public static Operand<TFloat32> apply(
      Ops tf, WeightSource w, TokenizerConfig cfg, Operand<TFloat32> latents) {
    Operand<TFloat32> h = Conv.apply(tf, w, PREFIX + ".conv_in", latents, 1);
    for (int r = 0; r < cfg.resBlocks; r++) {
      h = ResidualBlock.apply(tf, w, PREFIX + ".res." + r, h);
    }
    for (int i = cfg.levels() - 1; i >= 0; i--) {
      h = Conv.apply(tf, w, PREFIX + ".up." + i, Upsample.nearest2x(tf, tf.nn.relu(h)), 1);
    }
    return Conv.apply(tf, w, PREFIX + ".conv_out", tf.nn.relu(h), 1);
  }
}
