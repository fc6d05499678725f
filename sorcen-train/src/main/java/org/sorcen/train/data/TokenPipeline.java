package org.sorcen.train.data;

import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.data.Iterator;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * The in-graph input pipeline: TFRecord shards → shuffle → batch → skip → prefetch, then
 * {@code ParseExample} on the batch. The batch reaches the training graph as tensors, with no
 * per-step copy through Java.
 *
 * <p>One pass over the data is one epoch. {@link #start} runs {@code MakeIterator} with the epoch's
 * shuffle seed and the number of batches already consumed, so a resumed run sees exactly the
 * batches an uninterrupted one would have (the order depends only on the run seed and the epoch).
 */
public final class TokenPipeline {
  private static final List<Class<? extends TType>> STRING = List.of(TString.class);

  private final Placeholder<TInt64> epochSeed;
  private final Placeholder<TInt64> skipBatches;
  private final Op init;
  private final Operand<TInt64> tokens;
  private final Operand<TInt64> labels;
  private final int batchSize;

  private TokenPipeline(
      Placeholder<TInt64> epochSeed,
      Placeholder<TInt64> skipBatches,
      Op init,
      Operand<TInt64> tokens,
      Operand<TInt64> labels,
      int batchSize) {
    this.epochSeed = epochSeed;
    this.skipBatches = skipBatches;
    this.init = init;
    this.tokens = tokens;
    this.labels = labels;
    this.batchSize = batchSize;
  }

  /**
   * @param shards the split's TFRecord files
   * @param shuffleBuffer records held by the shuffle (the whole split when it fits; 0 = no shuffle)
   */
  public static TokenPipeline build(
      Ops tf, List<Path> shards, int seqLen, int batchSize, long shuffleBuffer) {
    Ops data = tf.withSubScope("input");
    Placeholder<TInt64> epochSeed =
        data.withName("epoch_seed").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    Placeholder<TInt64> skip =
        data.withName("skip_batches").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    Operand<TString> files =
        data.constant(
            StdArrays.ndCopyOf(shards.stream().map(Path::toString).toArray(String[]::new)));
    Operand<? extends TType> ds = tfRecordDataset(data, files);
    List<Shape> scalar = List.of(Shape.scalar());
    if (shuffleBuffer > 1) {
      ds =
          data.data.shuffleDataset(
              ds,
              data.constant(shuffleBuffer),
              epochSeed,
              data.constant(0x5EC0L),
              data.random.dummySeedGenerator(),
              STRING,
              scalar);
    }
    List<Shape> batched = List.of(Shape.of(batchSize));
    Operand<TBool> dropRemainder = data.constant(true);
    ds =
        data.data.batchDataset(ds, data.constant((long) batchSize), dropRemainder, STRING, batched);
    ds = data.data.skipDataset(ds, skip, STRING, batched);
    ds = data.data.prefetchDataset(ds, data.constant(2L), STRING, batched);
    Iterator it = data.data.iterator("", "", STRING, batched);
    Op init = data.withName("make_iterator").data.makeIterator(ds, it);
    @SuppressWarnings("unchecked")
    Operand<TString> serialized =
        (Operand<TString>) data.data.iteratorGetNext(it, STRING, batched).components().get(0);
    Operand<TString> none = data.constant(Shape.of(0), DataBuffers.ofObjects(new String[0]));
    var parsed =
        data.io
            .parseExample(
                serialized,
                none,
                none,
                data.array(TokenRecord.LABEL, TokenRecord.TOKENS),
                none,
                List.of(data.constant(-1L), data.constant(new long[0])),
                0L,
                List.of(),
                List.of(),
                List.of(),
                List.of(Shape.scalar(), Shape.of(seqLen)))
            .denseValues();
    @SuppressWarnings("unchecked")
    Operand<TInt64> labels = (Operand<TInt64>) parsed.get(0);
    @SuppressWarnings("unchecked")
    Operand<TInt64> tokens = (Operand<TInt64>) parsed.get(1);
    return new TokenPipeline(
        epochSeed,
        skip,
        init,
        data.ensureShape(tokens, Shape.of(batchSize, seqLen)),
        data.ensureShape(labels, Shape.of(batchSize)),
        batchSize);
  }

  /** TFRecordDatasetV2 fails in TF Java 1.1 ("3 inputs specified of 4"); the V1 op through the raw builder works. */
  private static Operand<? extends TType> tfRecordDataset(Ops tf, Operand<TString> files) {
    Graph g = (Graph) tf.scope().env();
    return g.opBuilder("TFRecordDataset", "TFRecordDataset", tf.scope())
        .addInput(files.asOutput())
        .addInput(tf.constant("").asOutput())
        .addInput(tf.constant(1L << 20).asOutput())
        .build()
        .output(0);
  }

  /**
   * Starts (or restarts) the iterator at {@code epoch}, skipping the {@code consumed} batches of it
   * that a previous run already trained on.
   */
  public void start(Session session, long runSeed, long epoch, long consumed) {
    try (TInt64 seed = TInt64.scalarOf(seedFor(runSeed, epoch));
        TInt64 skip = TInt64.scalarOf(consumed)) {
      session.runner().feed(epochSeed, seed).feed(skipBatches, skip).addTarget(init).run();
    }
  }

  public Placeholder<TInt64> epochSeed() {
    return epochSeed;
  }

  public Placeholder<TInt64> skipBatches() {
    return skipBatches;
  }

  public Op init() {
    return init;
  }

  /** [B, L] ids of the current batch. */
  public Operand<TInt64> tokens() {
    return tokens;
  }

  /** [B] labels, −1 where unknown. */
  public Operand<TInt64> labels() {
    return labels;
  }

  public int batchSize() {
    return batchSize;
  }

  /** The shuffle seed of an epoch: a function of the run seed and the epoch only. */
  public static long seedFor(long runSeed, long epoch) {
    long z = runSeed * 0x9E3779B97F4A7C15L + epoch + 1;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    return (z ^ (z >>> 27)) & Long.MAX_VALUE;
  }
}
