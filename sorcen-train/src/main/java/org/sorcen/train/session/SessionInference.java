package org.sorcen.train.session;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.sorcen.export.EncoderGraph;
import org.sorcen.export.GeneratorGraph;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.train.TrainingGraph;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The model of a training session as it is at this step: embeddings for the periodic evaluators
 * and samples for the pictures, computed by the exported graphs' inference paths ({@link
 * EncoderGraph#embedding}, {@link GeneratorGraph#generate}) on the training variables themselves (no
 * checkpoint round trip). Its ops are added to the training graph on first use. Offline readers use
 * the exported models instead ({@code SorcenEncoder.fromCheckpoint}).
 */
public final class SessionInference {
  private final SorcenConfig config;
  private final Graph graph;
  private final Session session;
  private final TrainingGraph training;
  private final Map<Integer, Generation> generators = new HashMap<>();
  private Placeholder<TInt64> embedTokens;
  private Operand<TFloat32> embedding;

  SessionInference(SorcenConfig config, Graph graph, Session session, TrainingGraph training) {
    this.config = config;
    this.graph = graph;
    this.session = session;
    this.training = training;
  }

  /** Embeddings [rows × D] of the frozen encoder (eval mode, full sequence, mean of patch positions). */
  public synchronized float[][] embed(long[] ids, int batchSize) {
    int seqLen = config.model.seqLen();
    if (embedding == null) {
      Ops tf = Ops.create(graph);
      embedTokens =
          tf.withName("embed_tokens")
              .placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, seqLen)));
      embedding = EncoderGraph.embedding(tf, training.variables()::read, config, embedTokens);
    }
    int rows = ids.length / seqLen;
    float[][] out = new float[rows][];
    for (int from = 0; from < rows; from += batchSize) {
      int n = Math.min(batchSize, rows - from);
      long[] chunk = Arrays.copyOfRange(ids, from * seqLen, (from + n) * seqLen);
      try (Tensor t = Tensors.longs(chunk, n, seqLen);
          Result r = session.runner().feed(embedTokens, t).fetch(embedding).run()) {
        float[] flat = Tensors.toFloats(r.get(0));
        int d = flat.length / n;
        for (int i = 0; i < n; i++) {
          out[from + i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
      }
    }
    return out;
  }

  /**
   * Unconditional samples of the current model (ALGORITHM.md §7): [seeds × L] ids. The decoding
   * graph is added on first use for a given number of steps and reused after.
   */
  public synchronized long[] generate(long[] seeds, int steps, float temperature) {
    Generation g = generators.computeIfAbsent(steps, this::buildGeneration);
    try (Tensor s = Tensors.longs(seeds, seeds.length);
        Tensor t = TFloat32.scalarOf(temperature);
        Result r =
            session.runner().feed(g.seeds(), s).feed(g.temperature(), t).fetch(g.tokens()).run()) {
      return Tensors.toLongs(r.get(0));
    }
  }

  private record Generation(
      Placeholder<TInt64> seeds, Placeholder<TFloat32> temperature, Operand<TInt64> tokens) {}

  private Generation buildGeneration(int steps) {
    Ops tf = Ops.create(graph).withSubScope("generate_" + steps);
    Placeholder<TInt64> seeds = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
    Placeholder<TFloat32> temperature =
        tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    Operand<TInt64> tokens =
        GeneratorGraph.generate(
            tf, training.variables()::read, config, seeds, temperature, tf.constant(steps), steps);
    return new Generation(seeds, temperature, tokens);
  }
}
