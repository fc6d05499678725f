package org.sorcen.train.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.config.ModelConfig;
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
import org.tensorflow.types.TInt64;

/**
 * A training graph in its own Session: {@link #step} takes a batch of ids (and labels), runs one
 * update and returns every loss term, lr, β and the online accuracy. Inputs are checked in Java
 * first, so that a wrong id or length is a message rather than a native error or a silent gather
 * of the wrong row.
 */
public final class TrainingSession implements AutoCloseable {
  private final SorcenConfig config;
  private final Graph graph;
  private final Session session;
  private final TrainingGraph training;
  private final Placeholder<TInt64> tokens;
  private final Placeholder<TInt64> labels;
  private final List<String> metricNames = new ArrayList<>();
  private final List<Operand<?>> metricOps = new ArrayList<>();

  private TrainingSession(SorcenConfig config, boolean withLabels, double stepsPerEpoch, SessionSettings settings) {
    this.config = config;
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      int seqLen = config.model.seqLen();
      tokens = tf.withName("tokens").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, seqLen)));
      labels = withLabels ? tf.withName("labels").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1))) : null;
      training = TrainingGraph.build(tf, config, tokens, labels, stepsPerEpoch);
      training.forward().scalars().forEach((name, op) -> addMetric(name, op));
      addMetric("lr", training.schedules().learningRate());
      addMetric("ema/beta", training.schedules().momentum());
      addMetric("epoch", training.schedules().epoch());
      addMetric("grad_norm", training.gradientNorm());
      addMetric("step", training.step());
      session = new Session(graph, settings.toConfigProto());
      session.initialize();
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /**
   * @param withLabels whether batches come with class labels (feeds the online classifier)
   * @param stepsPerEpoch optimizer steps per epoch of the data, for the epoch-based schedules
   */
  public static TrainingSession create(SorcenConfig config, boolean withLabels, double stepsPerEpoch,
      SessionSettings settings) {
    return new TrainingSession(config.validated(), withLabels, stepsPerEpoch, settings);
  }

  private void addMetric(String name, Operand<?> op) {
    metricNames.add(name);
    metricOps.add(op);
  }

  /** One update on a batch: {@code ids} is B×L row-major, {@code classLabels} B values (−1 unknown) or null. */
  public StepMetrics step(long[] ids, long[] classLabels) {
    int batch = checkBatch(ids, classLabels);
    Map<String, Double> values = new LinkedHashMap<>();
    try (Tensor t = Tensors.longs(ids, batch, config.model.seqLen());
        Tensor l = classLabels != null ? Tensors.longs(classLabels, batch) : null) {
      Session.Runner runner = session.runner().feed(tokens, t);
      if (labels != null) {
        runner.feed(labels, l);
      }
      metricOps.forEach(runner::fetch);
      try (Result r = runner.addTarget(training.trainOp()).run()) {
        for (int i = 0; i < metricNames.size(); i++) {
          Tensor v = r.get(i);
          values.put(metricNames.get(i), v instanceof TInt64 s ? (double) s.getLong() : (double) Tensors.scalar(v));
        }
      }
    }
    return new StepMetrics(values.get("step").longValue(), values);
  }

  private int checkBatch(long[] ids, long[] classLabels) {
    ModelConfig m = config.model;
    int seqLen = m.seqLen();
    if (ids.length == 0 || ids.length % seqLen != 0) {
      throw new IllegalArgumentException("a batch holds B rows of L = " + seqLen + " ids; got " + ids.length + " ids");
    }
    int batch = ids.length / seqLen;
    if (batch < 2) {
      throw new IllegalArgumentException("a training batch needs at least 2 rows (BatchNorm, contrast); got 1");
    }
    for (int k = 0; k < ids.length; k++) {
      if (ids[k] < 0 || ids[k] >= m.codebookSize) {
        throw new IllegalArgumentException("token id " + ids[k] + " at row " + k / seqLen + ", position " + k % seqLen
            + " is outside [0, " + m.codebookSize + ")");
      }
    }
    if ((labels != null) != (classLabels != null)) {
      throw new IllegalArgumentException(labels != null ? "this session was built with labels: pass them"
          : "this session was built without labels: pass null");
    }
    if (classLabels != null) {
      if (classLabels.length != batch) {
        throw new IllegalArgumentException(classLabels.length + " labels for " + batch + " rows");
      }
      for (int i = 0; i < batch; i++) {
        if (classLabels[i] < -1 || classLabels[i] >= m.numClasses) {
          throw new IllegalArgumentException("label " + classLabels[i] + " of row " + i + " is outside [-1, "
              + m.numClasses + ")");
        }
      }
    }
    return batch;
  }

  /** Current values of float variables, by checkpoint name (for tests and inspection). */
  public Map<String, float[]> read(List<String> names) {
    Session.Runner runner = session.runner();
    names.forEach(n -> runner.fetch(training.variables().read(n)));
    Map<String, float[]> out = new LinkedHashMap<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), Tensors.toFloats(r.get(i)));
      }
    }
    return out;
  }

  public void save(Path prefix) {
    session.save(prefix.toString());
  }

  public void restore(Path prefix) {
    session.restore(prefix.toString());
  }

  public TrainingGraph graph() {
    return training;
  }

  public SorcenConfig config() {
    return config;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
