package org.sorcen.graph.vqgan;

import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * MAGE's {@code Decoder}: {@code conv_in} (3×3, with bias) from z_channels to
 * {@code ch·ch_mult[-1]}; {@code mid.block_1}, {@code mid.block_2}; levels from the last to the
 * first, each {@code num_res_blocks} ResnetBlocks to {@code ch·ch_mult[i]} and, but at level 0,
 * {@code up.i.upsample} (nearest ×2 and a 3×3 conv with bias); {@code norm_out}, swish,
 * {@code conv_out} (3×3, with bias) to out_ch. No attention blocks (MAGE's Decoder builds none).
 * The official module list is indexed by level, so level i's names are {@code decoder.up.i.*}.
 */
final class VqganDecoder {
  static final String PREFIX = "decoder";

  private VqganDecoder() {}

  static void declare(Variables vars, VqganConfig cfg) {
    VqganConfig.DdConfig d = cfg.ddconfig;
    int blockIn = d.ch * d.chMult[cfg.levels() - 1];
    VqganLayers.declareConv(vars, PREFIX + ".conv_in", 3, d.zChannels, blockIn, true);
    ResnetBlock.declare(vars, PREFIX + ".mid.block_1", blockIn, blockIn);
    ResnetBlock.declare(vars, PREFIX + ".mid.block_2", blockIn, blockIn);
    for (int level = cfg.levels() - 1; level >= 0; level--) {
      int blockOut = d.ch * d.chMult[level];
      for (int b = 0; b < d.numResBlocks; b++) {
        ResnetBlock.declare(vars, block(level, b), blockIn, blockOut);
        blockIn = blockOut;
      }
      if (level != 0) {
        VqganLayers.declareConv(vars, up(level) + ".upsample.conv", 3, blockIn, blockIn, true);
      }
    }
    VqganLayers.declareNorm(vars, PREFIX + ".norm_out", blockIn);
    VqganLayers.declareConv(vars, PREFIX + ".conv_out", 3, blockIn, d.outCh, true);
  }

  /** z_q [B, G, G, z_channels] → float [B, S, S, out_ch] in MAGE's output range. */
  static Operand<TFloat32> apply(Ops tf, WeightSource w, VqganConfig cfg, Operand<TFloat32> z) {
    VqganConfig.DdConfig d = cfg.ddconfig;
    int blockIn = d.ch * d.chMult[cfg.levels() - 1];
    Operand<TFloat32> h = VqganLayers.conv(tf, w, PREFIX + ".conv_in", z, true);
    h = ResnetBlock.apply(tf, w, PREFIX + ".mid.block_1", h, blockIn, blockIn);
    h = ResnetBlock.apply(tf, w, PREFIX + ".mid.block_2", h, blockIn, blockIn);
    for (int level = cfg.levels() - 1; level >= 0; level--) {
      int blockOut = d.ch * d.chMult[level];
      for (int b = 0; b < d.numResBlocks; b++) {
        h = ResnetBlock.apply(tf, w, block(level, b), h, blockIn, blockOut);
        blockIn = blockOut;
      }
      if (level != 0) {
        h = VqganLayers.upsample(tf, w, up(level) + ".upsample", h);
      }
    }
    h = VqganLayers.swish(tf, VqganLayers.groupNorm(tf, w, PREFIX + ".norm_out", h));
    return VqganLayers.conv(tf, w, PREFIX + ".conv_out", h, true);
  }

  private static String up(int level) {
    return PREFIX + ".up." + level;
  }

  private static String block(int level, int b) {
    return up(level) + ".block." + b;
  }
}
