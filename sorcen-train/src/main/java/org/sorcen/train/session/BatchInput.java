package org.sorcen.train.session;

import java.nio.file.Path;
import java.util.List;

/** Where a training session's batches come from. */
public sealed interface BatchInput {
  boolean withLabels();

  /** Batches fed from Java arrays on every step (tests, benchmarks, services). */
  record Fed(boolean withLabels) implements BatchInput {}

  /** Batches read in-graph from TFRecord shards (training runs): no per-step copy through Java. */
  record FromShards(List<Path> shards, int batchSize, long shuffleBuffer, boolean withLabels) implements BatchInput {}
}
