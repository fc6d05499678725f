package org.sorcen.graph.vqgan;

import org.sorcen.graph.nn.Precision;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * MAGE's {@code Encoder}: {@code conv_in} (3×3, no bias), per level {@code num_res_blocks}
 * ResnetBlocks from {@code ch·in_ch_mult[i]} to {@code ch·ch_mult[i]} (in_ch_mult = (1,) + ch_mult)
 * and, but after the last level, the average-pool downsampling; {@code mid.block_1},
 * {@code mid.block_2}; {@code norm_out}, swish, {@code conv_out} (1×1, with bias) to z_channels.
 * No attention blocks: MAGE's Encoder builds none, whatever {@code attn_resolutions} says.
 */
final class VqganEncoder {
  static final String PREFIX = "encoder";

  private VqganEncoder() {}

  static void declare(Variables vars, VqganConfig cfg) {
    VqganConfig.DdConfig d = cfg.ddconfig;
    VqganLayers.declareConv(vars, PREFIX + ".conv_in", 3, d.inChannels, d.ch, false);
    int blockIn = d.ch;
    for (int level = 0; level < cfg.levels(); level++) {
      blockIn = d.ch * (level == 0 ? 1 : d.chMult[level - 1]);
      int blockOut = d.ch * d.chMult[level];
      for (int b = 0; b < d.numResBlocks; b++) {
        ResnetBlock.declare(vars, block(level, b), blockIn, blockOut);
        blockIn = blockOut;
      }
    }
    ResnetBlock.declare(vars, PREFIX + ".mid.block_1", blockIn, blockIn);
    ResnetBlock.declare(vars, PREFIX + ".mid.block_2", blockIn, blockIn);
    VqganLayers.declareNorm(vars, PREFIX + ".norm_out", blockIn);
    VqganLayers.declareConv(vars, PREFIX + ".conv_out", 1, blockIn, d.zChannels, true);
  }

  /** x: float [B, S, S, in_channels] in MAGE's input range → z [B, G, G, z_channels]. */
  static Operand<TFloat32> apply(
      Ops tf, Precision p, WeightSource w, VqganConfig cfg, Operand<TFloat32> x) {
    VqganConfig.DdConfig d = cfg.ddconfig;
    Operand<TFloat32> h = VqganLayers.conv(tf, p, w, PREFIX + ".conv_in", x, false);
    int blockIn = d.ch;
    for (int level = 0; level < cfg.levels(); level++) {
      blockIn = d.ch * (level == 0 ? 1 : d.chMult[level - 1]);
      int blockOut = d.ch * d.chMult[level];
      for (int b = 0; b < d.numResBlocks; b++) {
        h = ResnetBlock.apply(tf, p, w, block(level, b), h, blockIn, blockOut);
        blockIn = blockOut;
      }
      if (level != cfg.levels() - 1) {
        h = VqganLayers.downsample(tf, h);
      }
    }
    h = ResnetBlock.apply(tf, p, w, PREFIX + ".mid.block_1", h, blockIn, blockIn);
    h = ResnetBlock.apply(tf, p, w, PREFIX + ".mid.block_2", h, blockIn, blockIn);
    h = VqganLayers.swish(tf, VqganLayers.groupNorm(tf, w, PREFIX + ".norm_out", h));
    return VqganLayers.conv(tf, p, w, PREFIX + ".conv_out", h, true);
  }

  private static String block(int level, int b) {
    return PREFIX + ".down." + level + ".block." + b;
  }
}
