package org.sorcen.train.data;

import java.util.Random;

/**
 * The rows of each step's batch for trainers fed from memory: epoch e visits the rows in a
 * Fisher–Yates order seeded by (seed, e) alone, one batch after another, and skips the last
 * partial batch (a different one each epoch). Because the order is a function of the epoch and
 * the batch a function of the global step, a run resumed at step s draws exactly the batches an
 * uninterrupted run draws from s on, without replaying the ones before it.
 */
public final class EpochBatcher {
  private final int batch;
  private final long seed;
  private final long stepsPerEpoch;
  private final int[] order;
  private final int[] rows;
  private long epoch = -1;

  /** {@code count} rows in batches of {@code batch}; throws when not even one batch fits. */
  public EpochBatcher(int count, int batch, long seed) {
    if (batch < 1 || count < batch) {
      throw new IllegalArgumentException(count + " rows are fewer than one batch of " + batch);
    }
    this.batch = batch;
    this.seed = seed;
    this.stepsPerEpoch = count / batch;
    this.order = new int[count];
    this.rows = new int[batch];
  }

  public long stepsPerEpoch() {
    return stepsPerEpoch;
  }

  /** The row indices of global step {@code step}'s batch, in an array the next call overwrites. */
  public int[] rows(long step) {
    long e = step / stepsPerEpoch;
    if (e != epoch) {
      // The tokenizer's and classifier's order since their first runs: keep it, figures depend on
      // it.
      Permutations.fresh(order, new Random(seed * 1_000_003L + e));
      epoch = e;
    }
    System.arraycopy(order, (int) (step % stepsPerEpoch * batch), rows, 0, batch);
    return rows;
  }
}
