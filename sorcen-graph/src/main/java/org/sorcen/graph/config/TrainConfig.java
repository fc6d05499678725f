package org.sorcen.graph.config;

import java.util.List;

/** Run length, batch and seed. Every schedule reads its length from here, never from a constant. */
public final class TrainConfig {
  /** Global batch size. */
  public int batchSize = 4096;

  /** Total epochs E of the run: the lr cosine and the EMA β schedule both end here. */
  public double epochs = 1600;

  public long seed = 0;

  /** Records held by the input shuffle; the whole split when it is smaller. */
  public long shuffleBuffer = 100_000;

  /** Steps between lines of metrics.jsonl and TensorBoard scalars. */
  public int logEverySteps = 20;

  /** Checkpoint every N steps (0 = only by time and at the end). */
  public int checkpointEverySteps = 0;

  /** Checkpoint at least this often, in minutes (0 = only by steps and at the end). */
  public double checkpointEveryMinutes = 10;

  /** Checkpoints kept in the run directory; older ones are deleted. */
  public int keepCheckpoints = 3;

  /**
   * With several workers, where the projector and predictor BatchNorm statistics come from:
   * "global" (the whole global batch: the same run as one process) or "local" (each worker's rows,
   * as the official per-GPU BatchNorm1d under PyTorch DDP). One process: the same either way.
   */
  public String batchNormStatistics = GLOBAL_STATISTICS;

  public static final String GLOBAL_STATISTICS = "global";
  public static final String LOCAL_STATISTICS = "local";

  /**
   * Where a step's ids come from: "tokens", a token dataset tokenized once beforehand (MAGE on
   * precomputed tokens, the ablation), or "images", raw images cropped, flipped and tokenized by the
   * run's frozen tokenizer inside every step, as official MAGE's main_pretrain.py and models_mage.py do.
   */
  public String input = TOKENS;

  public static final String TOKENS = "tokens";
  public static final String IMAGES = "images";

  /** With input "images": RandomResizedCrop's area scale range (official MAGE: 0.2 to 1.0). */
  public double cropScaleMin = 0.2;

  public double cropScaleMax = 1.0;

  /** With input "images": mirror each crop with probability 1/2 (RandomHorizontalFlip). */
  public boolean horizontalFlip = true;

  /**
   * With input "images": PIL's filter of the resize, "bilinear" (torchvision's default, which
   * MAGE's RandomResizedCrop(input_size, scale=(0.2, 1.0)) uses) or "bicubic".
   */
  public String cropInterpolation = "bilinear";

  public void validate(List<String> errors) {
    Checks.atLeast(errors, "train.batch_size", batchSize, 2);
    Checks.positive(errors, "train.epochs", epochs);
    Checks.atLeast(errors, "train.shuffle_buffer", shuffleBuffer, 0);
    Checks.atLeast(errors, "train.log_every_steps", logEverySteps, 1);
    Checks.atLeast(errors, "train.checkpoint_every_steps", checkpointEverySteps, 0);
    Checks.nonNegative(errors, "train.checkpoint_every_minutes", checkpointEveryMinutes);
    Checks.atLeast(errors, "train.keep_checkpoints", keepCheckpoints, 1);
    Checks.oneOf(
        errors,
        "train.batch_norm_statistics",
        batchNormStatistics,
        GLOBAL_STATISTICS,
        LOCAL_STATISTICS);
    Checks.oneOf(errors, "train.input", input, TOKENS, IMAGES);
    if (!(cropScaleMin > 0 && cropScaleMin <= cropScaleMax && cropScaleMax <= 1)) {
      errors.add(
          "train.crop_scale_min and train.crop_scale_max must satisfy 0 < min <= max <= 1, got "
              + cropScaleMin
              + " and "
              + cropScaleMax);
    }
    Checks.oneOf(errors, "train.crop_interpolation", cropInterpolation, "bilinear", "bicubic");
  }
}
