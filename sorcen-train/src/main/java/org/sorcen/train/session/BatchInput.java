package org.sorcen.train.session;

import java.nio.file.Path;
import java.util.List;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.sorcen.train.data.ImageSet;

/** Where a training session's batches come from. */
public sealed interface BatchInput {
  boolean withLabels();

  /** Batches fed from Java arrays on every step (tests, benchmarks, services). */
  record Fed(boolean withLabels) implements BatchInput {}

  /** Batches read in-graph from TFRecord shards (training runs): no per-step copy through Java. */
  record FromShards(List<Path> shards, int batchSize, long shuffleBuffer, boolean withLabels)
      implements BatchInput {}

  /**
   * Raw images tokenized inside every step (train.input "images", official MAGE): batches of
   * {@code images} in a seeded order per epoch, cropped and flipped in-graph and encoded by the frozen
   * {@code tokenizer} whose SavedModel is {@code tokenizerDir}. A null {@code tokenizerDir} keeps the
   * tokenizer's initial (random) weights: for benchmarks only, where the step's time does not
   * depend on the weights' values (e.g. the official VQGAN's shapes without its checkpoint).
   */
  record FromImages(
      ImageSet images,
      ImageTokenizer tokenizer,
      Path tokenizerDir,
      int batchSize,
      long seed,
      boolean withLabels)
      implements BatchInput {}
}
