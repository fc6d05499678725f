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

  public void validate(List<String> errors) {
    Checks.atLeast(errors, "train.batch_size", batchSize, 2);
    Checks.positive(errors, "train.epochs", epochs);
    Checks.atLeast(errors, "train.shuffle_buffer", shuffleBuffer, 0);
    Checks.atLeast(errors, "train.log_every_steps", logEverySteps, 1);
    Checks.atLeast(errors, "train.checkpoint_every_steps", checkpointEverySteps, 0);
    Checks.nonNegative(errors, "train.checkpoint_every_minutes", checkpointEveryMinutes);
    Checks.atLeast(errors, "train.keep_checkpoints", keepCheckpoints, 1);
    Checks.oneOf(errors, "train.batch_norm_statistics", batchNormStatistics, GLOBAL_STATISTICS, LOCAL_STATISTICS);
  }
}
