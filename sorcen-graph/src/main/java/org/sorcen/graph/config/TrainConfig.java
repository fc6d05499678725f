package org.sorcen.graph.config;

import java.util.List;

/** Run length, batch and seed. Every schedule reads its length from here, never from a constant. */
public final class TrainConfig {
  /** Global batch size. */
  public int batchSize = 4096;
  /** Total epochs E of the run: the lr cosine and the EMA β schedule both end here. */
  public double epochs = 1600;
  public long seed = 0;

  public void validate(List<String> errors) {
    Checks.atLeast(errors, "train.batch_size", batchSize, 2);
    Checks.positive(errors, "train.epochs", epochs);
  }
}
