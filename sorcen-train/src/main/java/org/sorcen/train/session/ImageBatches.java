package org.sorcen.train.session;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.augment.ResizedCrop;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.train.OnlineTokens;
import org.sorcen.train.data.EpochBatcher;
import org.sorcen.train.data.ImageSet;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * The raw-image side of a training session (train.input "images"): the images in memory, each
 * step's batch chosen by {@link EpochBatcher} (a function of the seed and the global step, so a
 * resumed run feeds what an uninterrupted one would), fed as uint8 placeholders; and the frozen
 * tokenizer, restored from its SavedModel's variables once the session is initialised.
 */
final class ImageBatches {
  private final BatchInput.FromImages input;
  private final OnlineTokens tokenizer;
  private final Placeholder<TUint8> images;
  private final Placeholder<TInt64> labels;
  private final EpochBatcher batcher;

  /** The global step the next batch is fed for ({@link #positionFor}). */
  private long step;

  private ImageBatches(
      BatchInput.FromImages input,
      OnlineTokens tokenizer,
      Placeholder<TUint8> images,
      Placeholder<TInt64> labels) {
    this.input = input;
    this.tokenizer = tokenizer;
    this.images = images;
    this.labels = labels;
    this.batcher = new EpochBatcher(input.images().count(), input.batchSize(), input.seed());
  }

  static ImageBatches declare(Ops tf, SorcenConfig config, BatchInput.FromImages input) {
    ImageSet set = input.images();
    OnlineTokens tokenizer =
        OnlineTokens.declare(
            tf, input.tokenizer(), ResizedCrop.Filter.of(config.train.cropInterpolation));
    Placeholder<TUint8> images =
        tf.withName("images")
            .placeholder(
                TUint8.class,
                Placeholder.shape(Shape.of(-1, set.height(), set.width(), set.channels())));
    Placeholder<TInt64> labels =
        input.withLabels()
            ? tf.withName("labels").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)))
            : null;
    return new ImageBatches(input, tokenizer, images, labels);
  }

  OnlineTokens tokenizer() {
    return tokenizer;
  }

  Placeholder<TUint8> images() {
    return images;
  }

  Placeholder<TInt64> labels() {
    return labels;
  }

  long stepsPerEpoch() {
    return batcher.stepsPerEpoch();
  }

  /**
   * Restores the frozen tokenizer from {@code DIR/variables/variables}; after every initialisation or
   * restore. Without a directory (benchmarks) it keeps its initial values.
   */
  void loadTokenizer(Session session) {
    if (input.tokenizerDir() == null) {
      return;
    }
    String prefix =
        input.tokenizerDir().resolve("variables").resolve("variables").toAbsolutePath().toString();
    try (TString p = TString.scalarOf(prefix)) {
      session.runner().feed(tokenizer.prefix(), p).addTarget(tokenizer.load()).run();
    }
  }

  /** Before the step after {@code done} steps: the batch is a function of the global step. */
  void positionFor(long done) {
    step = done;
  }

  /** Feeds the batch of the step positioned for; returns the tensors to close after the run. */
  List<Tensor> feed(Session.Runner runner) {
    ImageSet set = input.images();
    int[] rows = batcher.rows(step);
    int size = set.imageSize();
    byte[] px = new byte[rows.length * size];
    long[] lab = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(set.pixels(), rows[i] * size, px, i * size, size);
      lab[i] = set.labels()[rows[i]];
    }
    List<Tensor> owned = new ArrayList<>();
    TUint8 t =
        TUint8.tensorOf(
            Shape.of(rows.length, set.height(), set.width(), set.channels()),
            DataBuffers.of(px, true, false));
    owned.add(t);
    runner.feed(images, t);
    if (labels != null) {
      TInt64 l = Tensors.longs(lab, rows.length);
      owned.add(l);
      runner.feed(labels, l);
    }
    return owned;
  }
}
