package org.sorcen.graph.vqgan;

import com.fasterxml.jackson.annotation.JsonMerge;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.config.Checks;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.config.ConfigLoader;

/**
 * MAGE's VQGAN tokenizer config: exactly the keys of the official {@code config/vqgan.yaml} of
 * LTH14/mage ({@code model.params}), with its values as defaults (256×256 RGB → 16×16 ids of 1024
 * codes). A partial {@code ddconfig} is merged into the defaults. Unknown keys are refused, and every
 * problem is listed at once, each naming its key.
 *
 * <p>{@code attn_resolutions} and {@code dropout} are read and checked but change nothing: MAGE's
 * {@code Encoder} and {@code Decoder} build no attention blocks, and dropout is off at inference.
 */
public final class VqganConfig {
  /** GroupNorm's group count in taming's {@code Normalize}: every width must be a multiple of it. */
  public static final int GROUPS = 32;

  public int embedDim = 256;
  public int nEmbed = 1024;
  @JsonMerge public DdConfig ddconfig = new DdConfig();

  /** The encoder's and decoder's shape (taming's {@code ddconfig}). */
  public static final class DdConfig {
    public boolean doubleZ = false;
    public int zChannels = 256;
    public int resolution = 256;
    public int inChannels = 3;
    public int outCh = 3;
    public int ch = 128;
    public int[] chMult = {1, 1, 2, 2, 4};
    public int numResBlocks = 2;
    public int[] attnResolutions = {16};
    public double dropout = 0.0;
  }

  /** The number of resolutions: len(ch_mult); the grid is resolution / 2^(levels − 1). */
  public int levels() {
    return ddconfig.chMult.length;
  }

  public int grid() {
    return ddconfig.resolution >> (levels() - 1);
  }

  public int seqLen() {
    return grid() * grid();
  }

  public static VqganConfig defaults() {
    return new VqganConfig();
  }

  public static VqganConfig load(Path file) {
    return ConfigLoader.load(file, Map.of(), VqganConfig.class, c -> c.validated(file.toString()));
  }

  public static VqganConfig parse(String json, String source) {
    return ConfigLoader.parse(json, source, Map.of(), VqganConfig.class, c -> c.validated(source));
  }

  public String toJson() {
    return ConfigLoader.toJson(this);
  }

  public List<String> problems() {
    List<String> errors = new ArrayList<>();
    DdConfig d = ddconfig;
    if (d == null) {
      errors.add("ddconfig must be an object: remove the key or give it an object");
      return errors;
    }
    Checks.atLeast(errors, "n_embed", nEmbed, 2);
    Checks.atLeast(errors, "embed_dim", embedDim, 1);
    Checks.atLeast(errors, "ddconfig.in_channels", d.inChannels, 1);
    if (d.outCh != d.inChannels) {
      errors.add(
          "ddconfig.out_ch ("
              + d.outCh
              + ") must equal ddconfig.in_channels ("
              + d.inChannels
              + "): a tokenizer decodes to the images it encodes");
    }
    if (d.doubleZ) {
      errors.add(
          "ddconfig.double_z must be false: MAGE's VQModel has no quant_conv, so the encoder's output "
              + "(2·z_channels with double_z) goes straight to the quantizer");
    }
    if (d.zChannels != embedDim) {
      errors.add(
          "ddconfig.z_channels ("
              + d.zChannels
              + ") must equal embed_dim ("
              + embedDim
              + "): MAGE's VQModel has no quant_conv or post_quant_conv between them");
    }
    Checks.atLeast(errors, "ddconfig.num_res_blocks", d.numResBlocks, 0);
    Checks.inRange(errors, "ddconfig.dropout", d.dropout, 0, 1);
    if (d.chMult == null || d.chMult.length == 0) {
      errors.add(
          "ddconfig.ch_mult must list at least one multiplier, got "
              + (d.chMult == null ? "null" : "[]"));
    } else {
      if (d.ch < 1 || d.ch % GROUPS != 0) {
        errors.add(
            "ddconfig.ch must be a positive multiple of "
                + GROUPS
                + " (GroupNorm's groups), got "
                + d.ch);
      }
      for (int i = 0; i < d.chMult.length; i++) {
        Checks.atLeast(errors, "ddconfig.ch_mult[" + i + "]", d.chMult[i], 1);
      }
      int f = 1 << (d.chMult.length - 1);
      if (d.chMult.length > 16 || d.resolution < f || d.resolution % f != 0) {
        errors.add(
            "ddconfig.resolution ("
                + d.resolution
                + ") must be a positive multiple of 2^(len(ch_mult) − 1) = "
                + f
                + ": each level but the last halves it");
      }
    }
    if (d.attnResolutions == null) {
      errors.add("ddconfig.attn_resolutions must be a list (MAGE's modules ignore it), got null");
    }
    return errors;
  }

  /** This config, or a one-line {@link ConfigException} naming {@code source} and every bad key. */
  public VqganConfig validated(String source) {
    List<String> errors = problems();
    if (!errors.isEmpty()) {
      throw new ConfigException(source + ": invalid VQGAN config: " + String.join("; ", errors));
    }
    return this;
  }
}
