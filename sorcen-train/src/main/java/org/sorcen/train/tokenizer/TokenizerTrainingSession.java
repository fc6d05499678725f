package org.sorcen.train.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.graph.tokenizer.TokenizerTrainingGraph;
import org.sorcen.train.session.ModelSession;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.Tensors;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * The tokenizer's training graph in its own Session, fed one uint8 batch per step. The batch size
 * is static (the config's), so every shape in the step is known when the graph is built.
 */
public final class TokenizerTrainingSession extends ModelSession {
  private final TokenizerConfig config;
  private final TokenizerTrainingGraph training;
  private final Placeholder<TUint8> images;
  private final List<String> names = new ArrayList<>();
  private final List<Operand<?>> fetches = new ArrayList<>();

  public TokenizerTrainingSession(
      TokenizerConfig config, double stepsPerEpoch, SessionSettings settings) {
    try {
      this.config = config.validated();
      Ops tf = Ops.create(graph);
      images =
          tf.withName("images")
              .placeholder(
                  TUint8.class,
                  Placeholder.shape(
                      Shape.of(
                          config.train.batchSize,
                          config.inputHeight,
                          config.inputWidth,
                          config.channels)));
      training = TokenizerTrainingGraph.build(tf, config, images, stepsPerEpoch);
      training
          .metrics()
          .forEach(
              (name, op) -> {
                names.add(name);
                fetches.add(op);
              });
      open(settings);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** One update on {@code batch} (batch_size images, uint8 N×H×W×C); returns the step's metrics. */
  public Map<String, Double> step(byte[] batch) {
    long expected =
        (long) config.train.batchSize * config.inputHeight * config.inputWidth * config.channels;
    if (batch.length != expected) {
      throw new IllegalArgumentException(
          "a training batch holds " + expected + " bytes, got " + batch.length);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    try (Tensor t = TUint8.tensorOf(images.shape(), DataBuffers.of(batch, true, false))) {
      Session.Runner runner = session().runner().feed(images, t);
      fetches.forEach(runner::fetch);
      try (Result r = runner.addTarget(training.trainOp()).run()) {
        for (int i = 0; i < names.size(); i++) {
          Tensor v = r.get(i);
          out.put(
              names.get(i),
              v instanceof TInt64 l ? (double) l.getLong() : (double) Tensors.scalar(v));
        }
      }
    }
    return out;
  }

  @Override
  protected Variables variables() {
    return training.variables();
  }

  public TokenizerConfig config() {
    return config;
  }
}
