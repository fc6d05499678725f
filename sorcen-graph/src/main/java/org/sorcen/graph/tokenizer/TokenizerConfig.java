package org.sorcen.graph.tokenizer;

import com.fasterxml.jackson.annotation.JsonMerge;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.config.Checks;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.OptimizerConfig;
import org.sorcen.graph.config.TrainConfig;

/**
 * A VQ image tokenizer and how to train it. Same rules as the Sorcen configs (snake_case keys,
 * // comments, unknown keys refused, every problem listed at once); the {@code optimizer} and
 * {@code train} sections are the Sorcen classes with tokenizer defaults (lr = blr·batch/256,
 * schedules in epochs of the training set).
 */
public final class TokenizerConfig {
  public String name = "tokenizer";

  /** Side S of the square image the network sees; inputs are zero-padded to it, centred. */
  public int imageSize = 32;

  public int inputHeight = 28;
  public int inputWidth = 28;
  public int channels = 1;

  /** f: a power of 2; the token grid is (S/f)×(S/f). */
  public int downsample = 4;

  public int codebookSize = 512;
  public int codeDim = 32;

  /** Widths from full resolution down to the grid: log2(f) + 1 entries. */
  public int[] hiddenChannels = {32, 64, 64};

  /** Residual blocks at grid resolution, in the encoder and again in the decoder. */
  public int resBlocks = 1;

  /** β of the commitment loss β·|z − sg(e)|². */
  public double commitment = 0.25;

  /** Decay of the codebook's cluster-size and sum EMAs. */
  public double emaDecay = 0.99;

  /** Laplace smoothing of the cluster sizes, so that an empty cluster never divides by zero. */
  public double laplaceEps = 1e-5;

  /** A code whose EMA cluster size (assignments per step) falls below this is dead. */
  public double deadCodeThreshold = 1.0;

  /** Restart dead codes from this step's encoder outputs. */
  public boolean restartDeadCodes = true;

  @JsonMerge public OptimizerConfig optimizer = defaultOptimizer();
  @JsonMerge public TrainConfig train = defaultTrain();

  public int grid() {
    return imageSize / downsample;
  }

  public int seqLen() {
    return grid() * grid();
  }

  /** log2(f): the number of stride-2 stages. */
  public int levels() {
    return Integer.numberOfTrailingZeros(downsample);
  }

  /** Zero rows above the input (the rest go below), so the input sits centred. */
  public int padTop() {
    return (imageSize - inputHeight) / 2;
  }

  public int padLeft() {
    return (imageSize - inputWidth) / 2;
  }

  public static TokenizerConfig load(Path file, Map<String, String> overrides) {
    return ConfigLoader.load(file, overrides, TokenizerConfig.class, TokenizerConfig::validated);
  }

  public static TokenizerConfig parse(String json, String source, Map<String, String> overrides) {
    return ConfigLoader.parse(
        json, source, overrides, TokenizerConfig.class, TokenizerConfig::validated);
  }

  public List<String> problems() {
    List<String> errors = new ArrayList<>();
    Checks.atLeast(errors, "image_size", imageSize, 1);
    Checks.atLeast(errors, "channels", channels, 1);
    if (inputHeight < 1 || inputHeight > imageSize) {
      errors.add("input_height must be in [1, image_size = " + imageSize + "], got " + inputHeight);
    }
    if (inputWidth < 1 || inputWidth > imageSize) {
      errors.add("input_width must be in [1, image_size = " + imageSize + "], got " + inputWidth);
    }
    if (downsample < 2 || Integer.bitCount(downsample) != 1) {
      errors.add("downsample must be a power of 2 >= 2, got " + downsample);
    } else {
      Checks.divides(errors, "downsample", downsample, "image_size", imageSize);
    }
    Checks.atLeast(errors, "codebook_size", codebookSize, 2);
    Checks.atLeast(errors, "code_dim", codeDim, 1);
    if (hiddenChannels == null || (downsample >= 2 && hiddenChannels.length != levels() + 1)) {
      errors.add(
          "hidden_channels needs log2(downsample) + 1 = "
              + (levels() + 1)
              + " widths (full resolution to grid), got "
              + (hiddenChannels == null ? "null" : hiddenChannels.length));
    } else {
      for (int i = 0; i < hiddenChannels.length; i++) {
        Checks.atLeast(errors, "hidden_channels[" + i + "]", hiddenChannels[i], 1);
      }
    }
    Checks.atLeast(errors, "res_blocks", resBlocks, 0);
    Checks.nonNegative(errors, "commitment", commitment);
    if (!(emaDecay >= 0 && emaDecay < 1)) {
      errors.add("ema_decay must be in [0, 1), got " + emaDecay);
    }
    Checks.positive(errors, "laplace_eps", laplaceEps);
    Checks.nonNegative(errors, "dead_code_threshold", deadCodeThreshold);
    if (optimizer == null || train == null) {
      errors.add("optimizer and train must be objects: remove the key or give it an object");
      return errors;
    }
    train.validate(errors);
    optimizer.validate(errors, train.epochs);
    return errors;
  }

  public TokenizerConfig validated() {
    List<String> errors = problems();
    if (!errors.isEmpty()) {
      throw new ConfigException(
          "invalid tokenizer config '" + name + "':\n  " + String.join("\n  ", errors));
    }
    return this;
  }

  /** Tokenizer defaults: a small conv net wants a far larger lr than a ViT, a short warm-up, little decay. */
  private static OptimizerConfig defaultOptimizer() {
    OptimizerConfig o = new OptimizerConfig();
    o.blr = 2e-3;
    o.beta2 = 0.99;
    o.weightDecay = 1e-4;
    o.warmupEpochs = 0.25;
    o.clipGradNorm = 1.0;
    return o;
  }

  private static TrainConfig defaultTrain() {
    TrainConfig t = new TrainConfig();
    t.batchSize = 128;
    t.epochs = 10;
    return t;
  }
}
