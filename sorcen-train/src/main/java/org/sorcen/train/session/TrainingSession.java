package org.sorcen.train.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.CrossReplica;
import org.sorcen.graph.nn.VariableFeeds;
import org.sorcen.graph.train.StepInputs;
import org.sorcen.graph.train.TrainingGraph;
import org.sorcen.graph.weights.NamedTensors;
import org.sorcen.graph.weights.OfficialStateDict;
import org.sorcen.train.cluster.Agreement;
import org.sorcen.train.cluster.ClusterFailure;
import org.sorcen.train.cluster.Peers;
import org.sorcen.train.cluster.StateSync;
import org.sorcen.train.cluster.Watchdog;
import org.sorcen.train.cluster.WorkerServer;
import org.sorcen.train.cluster.Workers;
import org.sorcen.train.data.TokenPipeline;
import org.tensorflow.Graph;
import org.tensorflow.GrpcSessions;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A training graph in its own Session: {@link #step} runs one update on a batch (fed from Java, or
 * read in-graph from a dataset) and returns every loss term, lr, β and the online accuracy. Fed
 * inputs are checked in Java first, so that a wrong id or length is a message rather than a native
 * error or a silent gather of the wrong row. The session also embeds token grids with the frozen
 * encoder for evaluators.
 */
public final class TrainingSession implements AutoCloseable, Checkpointable {
  private final SorcenConfig config;
  private final Graph graph;
  private final Session session;
  private final TrainingGraph training;
  private final Placeholder<TInt64> tokens;
  private final Placeholder<TInt64> labels;
  private final TokenPipeline pipeline;

  /** Raw images tokenized in the step (train.input "images"), or null. */
  private final ImageBatches images;

  /** The global step the next image batch is fed for ({@link #positionFor}). */
  private long imageStep;

  private SessionInference inference;
  private final List<String> metricNames = new ArrayList<>();
  private final List<Operand<?>> metricOps = new ArrayList<>();

  private final Workers workers;
  private final Op syncFromChief;
  private final Agreement agreement;
  private final Operand<TInt64> localTokens;
  private final Watchdog watchdog;

  /** This worker's stop request, voted on in every step; and how many workers voted in the last step. */
  private BooleanSupplier stopRequested = () -> false;

  private long stopVotes;

  /** The epoch the dataset is positioned in; −1 before the first {@link #startEpoch}. */
  private long epoch = -1;

  private TrainingSession(
      SorcenConfig config,
      BatchInput input,
      double stepsPerEpoch,
      SessionSettings settings,
      Workers workers) {
    this.config = config;
    this.workers = workers;
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      CrossReplica replicas =
          workers == null
              ? CrossReplica.single()
              : CrossReplica.worker(workers.spec().size(), workers.spec().taskIndex());
      int seqLen = config.model.seqLen();
      Operand<TInt64> batchTokens;
      Operand<TInt64> batchLabels;
      if (input instanceof BatchInput.FromShards shards) {
        pipeline =
            TokenPipeline.build(
                tf, shards.shards(), seqLen, shards.batchSize(), shards.shuffleBuffer());
        images = null;
        tokens = null;
        labels = null;
        batchTokens = pipeline.tokens();
        batchLabels = input.withLabels() ? pipeline.labels() : null;
      } else if (input instanceof BatchInput.FromImages raw) {
        pipeline = null;
        images = ImageBatches.declare(tf, config, raw);
        tokens = null;
        labels = null;
        batchTokens = null;
        batchLabels = images.labels();
      } else {
        pipeline = null;
        images = null;
        tokens =
            tf.withName("tokens")
                .placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, seqLen)));
        labels =
            input.withLabels()
                ? tf.withName("labels").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)))
                : null;
        batchTokens = tokens;
        batchLabels = labels;
      }
      // The batch is the global one, the same on every worker; the graph computes this worker's
      // rows.
      training =
          images != null
              ? TrainingGraph.buildOnImages(
                  tf,
                  config,
                  images.tokenizer(),
                  images.images(),
                  batchLabels,
                  stepsPerEpoch,
                  StepInputs.sampled(),
                  replicas)
              : TrainingGraph.build(tf, config, batchTokens, batchLabels, stepsPerEpoch, replicas);
      localTokens =
          pipeline != null
              ? replicas.ownRows(tf, pipeline.tokens())
              : images != null ? training.tokens() : null;
      syncFromChief = workers != null ? StateSync.build(tf, replicas, training.variables()) : null;
      agreement = workers != null ? Agreement.build(tf, replicas) : null;
      training.forward().scalars().forEach((name, op) -> addMetric(name, op));
      addMetric("lr", training.schedules().learningRate());
      addMetric("ema/beta", training.schedules().momentum());
      addMetric("epoch", training.schedules().epoch());
      addMetric("grad_norm", training.gradientNorm());
      addMetric("step", training.step());
      if (workers == null) {
        session = new Session(graph, settings.toConfigProto());
      } else {
        ConfigProto cfg = WorkerServer.sessionConfig(settings.toConfigProto(), workers.spec());
        WorkerServer.start(workers.spec(), cfg);
        session = GrpcSessions.open(graph, "grpc://localhost:" + workers.spec().port(), cfg);
      }
      session.initialize();
      if (images != null) {
        images.loadTokenizer(session);
      }
      watchdog = workers != null ? Watchdog.start(workers) : null;
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /**
   * A session fed from Java arrays.
   *
   * @param withLabels whether batches come with class labels (feeds the online classifier)
   * @param stepsPerEpoch optimizer steps per epoch of the data, for the epoch-based schedules
   */
  public static TrainingSession create(
      SorcenConfig config, boolean withLabels, double stepsPerEpoch, SessionSettings settings) {
    return new TrainingSession(
        config.validated(), new BatchInput.Fed(withLabels), stepsPerEpoch, settings, null);
  }

  public static TrainingSession create(
      SorcenConfig config, BatchInput input, double stepsPerEpoch, SessionSettings settings) {
    return new TrainingSession(config.validated(), input, stepsPerEpoch, settings, null);
  }

  /**
   * One worker of a data-parallel run ({@code workers} null: one process). Every worker builds the
   * same graph, feeds or reads the same global batches and must run every step; its server starts
   * here and lives until the JVM exits.
   */
  public static TrainingSession create(
      SorcenConfig config,
      BatchInput input,
      double stepsPerEpoch,
      SessionSettings settings,
      Workers workers) {
    return new TrainingSession(config.validated(), input, stepsPerEpoch, settings, workers);
  }

  /**
   * Start-up of a worker, run by every worker in this order: refuse peers that run another job, then
   * take the chief's variables (restored or initialised by the chief before this call).
   */
  public void joinCluster(List<Agreement.Item> mustAgree) {
    if (!workers.isChief()) {
      Peers.awaitChief(workers.spec(), workers.timeoutSeconds());
    }
    try {
      guarded(
          "start-up",
          true,
          () -> {
            agreement.check(session, mustAgree);
            session.runner().addTarget(syncFromChief).run();
            return null;
          });
    } catch (TensorFlowException e) {
      throw lost(e, true);
    }
  }

  /**
   * Data-parallel: every step votes {@code requested} (e.g. a SIGTERM to this worker) into the
   * step's all-reduce, and {@link #stopAgreed} then says whether any worker voted; every worker sees
   * the same answer after the same step. One process: {@link #stopAgreed} is {@code requested}.
   */
  public void voteStop(BooleanSupplier requested) {
    this.stopRequested = requested;
  }

  /** Whether the last step's vote asks every worker to stop after it (one process: the request now). */
  public boolean stopAgreed() {
    return workers == null ? stopRequested.getAsBoolean() : stopVotes > 0;
  }

  /** How many workers voted to stop in the last step (data-parallel only). */
  public long stopVotes() {
    return stopVotes;
  }

  /** A session run that waits on the peers, watched when data-parallel; {@code run} itself otherwise. */
  private <T> T guarded(String kind, boolean startup, Supplier<T> run) {
    return watchdog == null ? run.get() : watchdog.guard(kind, startup, run);
  }

  /**
   * A failed collective run of a worker, named. Mid-run, with an {@link Workers#onLost} handler (the
   * CLI), it is reported there and the JVM ends at once: the session's collectives are poisoned, and
   * closing it or the JVM's normal exit would run TensorFlow's teardown with peers gone and servers
   * that cannot stop. A start-up failure takes the normal way out: the chief, as the group's leader,
   * must live long enough to send the other workers the reason (a group of another size).
   */
  private RuntimeException lost(TensorFlowException e, boolean startup) {
    RuntimeException failure = ClusterFailure.of(workers.spec(), e, startup);
    if (!startup && workers.onLost() != null) {
      workers.onLost().accept(failure);
    }
    return failure;
  }

  /** The global step the variables are at. */
  public long currentStep() {
    try (Result r = session.runner().fetch(training.step()).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  private void addMetric(String name, Operand<?> op) {
    metricNames.add(name);
    metricOps.add(op);
  }

  /** One update on a batch: {@code ids} is B×L row-major, {@code classLabels} B values (−1 unknown) or null. */
  public StepMetrics step(long[] ids, long[] classLabels) {
    if (tokens == null) {
      throw new IllegalStateException("this session reads its batches from a dataset: call step()");
    }
    int batch = checkBatch(ids, classLabels);
    try (Tensor t = Tensors.longs(ids, batch, config.model.seqLen());
        Tensor l = classLabels != null ? Tensors.longs(classLabels, batch) : null) {
      Session.Runner runner = session.runner().feed(tokens, t);
      if (labels != null) {
        runner.feed(labels, l);
      }
      return run(runner);
    }
  }

  /** One update on the dataset's next batch (or the images' batch of the step), or null when the epoch's data is exhausted. */
  public StepMetrics step() {
    if (images != null) {
      Session.Runner runner = session.runner();
      List<Tensor> fed = images.feed(runner, imageStep);
      try {
        return run(runner);
      } finally {
        fed.forEach(Tensor::close);
      }
    }
    if (pipeline == null) {
      throw new IllegalStateException("this session is fed from Java: call step(ids, labels)");
    }
    try {
      return run(session.runner());
    } catch (TFOutOfRangeException endOfEpoch) {
      return null;
    }
  }

  /** A training step's input grids and the echoes the model made of them (Sorcen only). */
  public record EchoSnapshot(StepMetrics metrics, long[] tokens, long[] echo) {}

  /**
   * One update on the dataset's next batch that also returns the batch and its (crop-masked) echo,
   * for pictures of what the model is doing; null at the end of the epoch.
   */
  public EchoSnapshot stepWithEcho() {
    if ((pipeline == null && images == null) || training.forward().echoTokens() == null) {
      throw new IllegalStateException("echo snapshots need a dataset- or image-fed Sorcen session");
    }
    Session.Runner runner =
        session.runner().fetch(localTokens).fetch(training.forward().echoTokens());
    metricOps.forEach(runner::fetch);
    List<Tensor> fed = images != null ? images.feed(runner, imageStep) : List.of();
    try (TFloat32 vote = voteFeed(runner);
        Result r =
            guarded("step with echo", false, () -> runner.addTarget(training.trainOp()).run())) {
      readVotes(r);
      return new EchoSnapshot(metrics(r, 2), Tensors.toLongs(r.get(0)), Tensors.toLongs(r.get(1)));
    } catch (TFOutOfRangeException endOfEpoch) {
      return null;
    } catch (TensorFlowException e) {
      throw workers != null ? lost(e, false) : e;
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** Positions the dataset at {@code epoch}, after the {@code consumed} batches of it already trained on. */
  public void startEpoch(long epoch, long consumed) {
    pipeline.start(session, config.train.seed, epoch, consumed);
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
  public void positionFor(long done, long stepsPerEpoch) {
    if (images != null) {
      imageStep = done; // the batch is a function of the step
      return;
    }
    long wanted = done / stepsPerEpoch;
    if (wanted != epoch) {
      startEpoch(wanted, done % stepsPerEpoch);
    }
  }

  private StepMetrics run(Session.Runner runner) {
    metricOps.forEach(runner::fetch);
    try (TFloat32 vote = voteFeed(runner);
        Result r = guarded("step", false, () -> runner.addTarget(training.trainOp()).run())) {
      readVotes(r);
      return metrics(r, 0);
    } catch (TFOutOfRangeException endOfEpoch) {
      throw endOfEpoch;
    } catch (TensorFlowException e) {
      throw workers != null ? lost(e, false) : e;
    }
  }

  /** Data-parallel: feeds this worker's stop vote and fetches the sum (the run's last output); else null. */
  private TFloat32 voteFeed(Session.Runner runner) {
    if (training.stopVote() == null) {
      return null;
    }
    TFloat32 vote = TFloat32.scalarOf(stopRequested.getAsBoolean() ? 1f : 0f);
    runner.feed(training.stopVote(), vote).fetch(training.stopVotes());
    return vote;
  }

  private void readVotes(Result r) {
    if (training.stopVotes() != null) {
      stopVotes = Math.round(Tensors.scalar(r.get(r.size() - 1)));
    }
  }

  /** The metric fetches of a run, which start at output {@code offset}. */
  private StepMetrics metrics(Result r, int offset) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (int i = 0; i < metricNames.size(); i++) {
      Tensor v = r.get(offset + i);
      values.put(
          metricNames.get(i),
          v instanceof TInt64 s ? (double) s.getLong() : (double) Tensors.scalar(v));
    }
    return new StepMetrics(values.get("step").longValue(), values);
  }

  /**
   * The model as it is now in this session, for what training does besides stepping: embeddings
   * for the periodic evaluators and samples for the pictures.
   */
  public SessionInference inference() {
    if (inference == null) {
      inference = new SessionInference(config, graph, session, training);
    }
    return inference;
  }

  private int checkBatch(long[] ids, long[] classLabels) {
    ModelConfig m = config.model;
    int seqLen = m.seqLen();
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
      if (ids[k] < 0 || ids[k] >= m.codebookSize) {
        throw new IllegalArgumentException(
            "token id "
                + ids[k]
                + " at row "
                + k / seqLen
                + ", position "
                + k % seqLen
                + " is outside [0, "
                + m.codebookSize
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
        if (classLabels[i] < -1 || classLabels[i] >= m.numClasses) {
          throw new IllegalArgumentException(
              "label "
                  + classLabels[i]
                  + " of row "
                  + i
                  + " is outside [-1, "
                  + m.numClasses
                  + ")");
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

  /** Fills the model variables from an official state_dict (weights only; optimizer state stays fresh). */
  public void loadOfficialWeights(NamedTensors file) {
    List<OfficialStateDict.Assignment> plan = OfficialStateDict.plan(training.variables(), file);
    VariableFeeds feeds =
        VariableFeeds.build(
            Ops.create(graph), plan.stream().map(OfficialStateDict.Assignment::variable).toList());
    WeightLoading.load(session, feeds, plan, file);
  }

  @Override
  public void save(Path prefix) {
    session.save(prefix.toString());
  }

  @Override
  public void restore(Path prefix) {
    session.restore(prefix.toString());
    if (images != null) {
      images.loadTokenizer(
          session); // not in the run's checkpoints: restored from the tokenizer itself
    }
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
