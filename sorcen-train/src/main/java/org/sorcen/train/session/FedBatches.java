package org.sorcen.train.session;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt64;

/**
 * The Java-fed side of a training session ({@link BatchInput.Fed}): token and label placeholders,
 * and batches checked in Java before they are fed, so that a wrong id or length is a message rather
 * than a native error or a silent gather of the wrong row.
 */
final class FedBatches {
  private final ModelConfig model;
  private final Placeholder<TInt64> tokens;
  private final Placeholder<TInt64> labels;

  private FedBatches(ModelConfig model, Placeholder<TInt64> tokens, Placeholder<TInt64> labels) {
    this.model = model;
    this.tokens = tokens;
    this.labels = labels;
  }

  static FedBatches declare(Ops tf, SorcenConfig config, BatchInput.Fed input) {
    ModelConfig model = config.model;
    Placeholder<TInt64> tokens =
        tf.withName("tokens")
            .placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, model.seqLen())));
    Placeholder<TInt64> labels =
        input.withLabels()
            ? tf.withName("labels").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)))
            : null;
    return new FedBatches(model, tokens, labels);
  }

  Placeholder<TInt64> tokens() {
    return tokens;
  }

  /** Null without labels. */
  Placeholder<TInt64> labels() {
    return labels;
  }

  /**
   * Feeds {@code ids} (B×L row-major) and {@code classLabels} (B values, −1 unknown, or null) once
   * checked; returns the tensors to close after the run.
   */
  List<Tensor> feed(Session.Runner runner, long[] ids, long[] classLabels) {
    int batch = check(ids, classLabels);
    List<Tensor> owned = new ArrayList<>();
    TInt64 t = Tensors.longs(ids, batch, model.seqLen());
    owned.add(t);
    runner.feed(tokens, t);
    if (labels != null) {
      TInt64 l = Tensors.longs(classLabels, batch);
      owned.add(l);
      runner.feed(labels, l);
    }
    return owned;
  }

  /** The batch size of a valid batch. */
  private int check(long[] ids, long[] classLabels) {
    int seqLen = model.seqLen();
    if (ids.length == 0 || ids.length % seqLen != 0) {
      throw new IllegalArgumentException(
          "a batch holds B rows of L = " + seqLen + " ids; got " + ids.length + " ids");
    }
    int batch = ids.length / seqLen;
    if (batch < 2) {
      throw new IllegalArgumentException(
          "a training batch needs at least 2 rows (BatchNorm, contrast); got 1");
    }
    for (int k = 0; k < ids.length; k++) {
      if (ids[k] < 0 || ids[k] >= model.codebookSize) {
        throw new IllegalArgumentException(
            "token id "
                + ids[k]
                + " at row "
                + k / seqLen
                + ", position "
                + k % seqLen
                + " is outside [0, "
                + model.codebookSize
                + ")");
      }
    }
    if ((labels != null) != (classLabels != null)) {
      throw new IllegalArgumentException(
          labels != null
              ? "this session was built with labels: pass them"
              : "this session was built without labels: pass null");
    }
    if (classLabels != null) {
      if (classLabels.length != batch) {
        throw new IllegalArgumentException(classLabels.length + " labels for " + batch + " rows");
      }
      for (int i = 0; i < batch; i++) {
        if (classLabels[i] < -1 || classLabels[i] >= model.numClasses) {
          throw new IllegalArgumentException(
              "label "
                  + classLabels[i]
                  + " of row "
                  + i
                  + " is outside [-1, "
                  + model.numClasses
                  + ")");
        }
      }
    }
    return batch;
  }
}
