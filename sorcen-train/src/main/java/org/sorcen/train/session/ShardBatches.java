package org.sorcen.train.session;

import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.train.data.TokenPipeline;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;

/**
 * The dataset side of a training session ({@link BatchInput.FromShards}): the in-graph pipeline
 * over the TFRecord shards, and the epoch it is positioned in, whose seeded order it serves.
 */
final class ShardBatches {
  private final TokenPipeline pipeline;
  private final long seed;

  /** −1 before the first {@link #start}. */
  private long epoch = -1;

  private ShardBatches(TokenPipeline pipeline, long seed) {
    this.pipeline = pipeline;
    this.seed = seed;
  }

  static ShardBatches declare(Ops tf, SorcenConfig config, BatchInput.FromShards input) {
    return new ShardBatches(
        TokenPipeline.build(
            tf, input.shards(), config.model.seqLen(), input.batchSize(), input.shuffleBuffer()),
        config.train.seed);
  }

  /** The global batch's grids, the same on every worker. */
  Operand<TInt64> tokens() {
    return pipeline.tokens();
  }

  Operand<TInt64> labels() {
    return pipeline.labels();
  }

  /** Positions the dataset at {@code epoch}, after the {@code consumed} batches of it already trained on. */
  void start(Session session, long epoch, long consumed) {
    pipeline.start(session, seed, epoch, consumed);
    this.epoch = epoch;
  }

  /**
   * Before the step after {@code done} steps: positions the dataset in the epoch that step belongs
   * to, starting the next epoch when the current one has served its {@code stepsPerEpoch} batches
   * (the batches drop the remainder, so an epoch is exactly that many). Epochs change here rather
   * than on end of data because a run that fails (end of data too) on a worker does not retire its
   * collective step id: the next run reuses it while the failed run's collectives are still being
   * cleaned up, and the workers abort with "Delete called on non-empty BufRendezvous".
   */
  void positionFor(Session session, long done, long stepsPerEpoch) {
    long wanted = done / stepsPerEpoch;
    if (wanted != epoch) {
      start(session, wanted, done % stepsPerEpoch);
    }
  }
}
