package org.sorcen.train.session;

import java.nio.file.Path;
import java.util.List;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.CrossReplica;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.train.StepInputs;
import org.sorcen.graph.train.TrainingGraph;
import org.sorcen.graph.weights.NamedTensors;
import org.sorcen.train.cluster.Replication;
import org.sorcen.train.cluster.Workers;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;

/**
 * A training graph in its own Session: {@link #step} runs one update on a batch (fed from Java,
 * read in-graph from a dataset, or tokenized from raw images) and returns every loss term, lr, β
 * and the online accuracy. How the step spans workers is its {@link #cluster}'s business; the
 * session also serves the model as it is now ({@link #inference}) for evaluators and pictures.
 */
public final class TrainingSession extends ModelSession {
  private final SorcenConfig config;
  private final Replication cluster;
  private final TrainingGraph training;
  private final StepScalars scalars;

  /** Exactly one of these is the session's batch input (see {@link BatchInput}). */
  private final FedBatches fed;

  private final ShardBatches shards;
  private final ImageBatches images;

  /** This worker's rows of the step's input grids, for echo snapshots (null when fed from Java). */
  private final Operand<TInt64> localTokens;

  private SessionInference inference;

  private TrainingSession(
      SorcenConfig config,
      BatchInput input,
      double stepsPerEpoch,
      SessionSettings settings,
      Workers workers) {
    this.config = config;
    try {
      cluster = Replication.of(workers);
      Ops tf = Ops.create(graph);
      CrossReplica replicas = cluster.replicas();
      fed = input instanceof BatchInput.Fed f ? FedBatches.declare(tf, config, f) : null;
      shards =
          input instanceof BatchInput.FromShards s ? ShardBatches.declare(tf, config, s) : null;
      images =
          input instanceof BatchInput.FromImages raw ? ImageBatches.declare(tf, config, raw) : null;
      // The batch is the global one, the same on every worker; the graph computes this worker's
      // rows.
      if (images != null) {
        training =
            TrainingGraph.buildOnImages(
                tf,
                config,
                images.tokenizer(),
                images.images(),
                images.labels(),
                stepsPerEpoch,
                StepInputs.sampled(),
                replicas);
        localTokens = training.tokens();
      } else {
        Operand<TInt64> tokens = shards != null ? shards.tokens() : fed.tokens();
        Operand<TInt64> labels =
            !input.withLabels() ? null : shards != null ? shards.labels() : fed.labels();
        training = TrainingGraph.build(tf, config, tokens, labels, stepsPerEpoch, replicas);
        localTokens = shards != null ? replicas.ownRows(tf, shards.tokens()) : null;
      }
      cluster.build(tf, training);
      scalars = new StepScalars(training);
      open(cluster.open(graph, settings.toConfigProto()));
      if (images != null) {
        images.loadTokenizer(session());
      }
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

  /** This process's part in the run: the start-up ({@code join}) and the stop votes. */
  public Replication cluster() {
    return cluster;
  }

  /** The global step the variables are at. */
  public long currentStep() {
    try (Result r = session().runner().fetch(training.step()).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  /** One update on a batch: {@code ids} is B×L row-major, {@code classLabels} B values (−1 unknown) or null. */
  public StepMetrics step(long[] ids, long[] classLabels) {
    if (fed == null) {
      throw new IllegalStateException("this session reads its batches from a dataset: call step()");
    }
    Session.Runner runner = session().runner();
    try (Result r = train("step", runner, fed.feed(runner, ids, classLabels))) {
      return scalars.read(r, 0);
    }
  }

  /** One update on the dataset's next batch (or the images' batch of the step), or null when the epoch's data is exhausted. */
  public StepMetrics step() {
    if (fed != null) {
      throw new IllegalStateException("this session is fed from Java: call step(ids, labels)");
    }
    Session.Runner runner = session().runner();
    try (Result r = train("step", runner, images != null ? images.feed(runner) : List.of())) {
      return scalars.read(r, 0);
    } catch (TFOutOfRangeException endOfEpoch) {
      if (shards == null) {
        throw endOfEpoch;
      }
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
    if ((shards == null && images == null) || training.forward().echoTokens() == null) {
      throw new IllegalStateException("echo snapshots need a dataset- or image-fed Sorcen session");
    }
    Session.Runner runner =
        session().runner().fetch(localTokens).fetch(training.forward().echoTokens());
    List<Tensor> owned = images != null ? images.feed(runner) : List.of();
    try (Result r = train("step with echo", runner, owned)) {
      return new EchoSnapshot(
          scalars.read(r, 2), Tensors.toLongs(r.get(0)), Tensors.toLongs(r.get(1)));
    } catch (TFOutOfRangeException endOfEpoch) {
      return null;
    }
  }

  /** Runs a step with {@code runner}'s fetches, then the scalars'; closes the {@code owned} feeds after. */
  private Result train(String kind, Session.Runner runner, List<Tensor> owned) {
    scalars.fetch(runner);
    try {
      return cluster.step(kind, runner.addTarget(training.trainOp()));
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  /** Positions the dataset at {@code epoch}, after the {@code consumed} batches of it already trained on. */
  public void startEpoch(long epoch, long consumed) {
    shards.start(session(), epoch, consumed);
  }

  /** Before the step after {@code done} steps: the batch of that step comes next (see {@link ShardBatches}). */
  public void positionFor(long done, long stepsPerEpoch) {
    if (images != null) {
      images.positionFor(done);
    } else {
      shards.positionFor(session(), done, stepsPerEpoch);
    }
  }

  /**
   * The model as it is now in this session, for what training does besides stepping: embeddings
   * for the periodic evaluators and samples for the pictures.
   */
  public SessionInference inference() {
    if (inference == null) {
      inference = new SessionInference(config, graph, session(), training);
    }
    return inference;
  }

  /** Fills the model variables from an official state_dict (weights only; optimizer state stays fresh). */
  public void loadOfficialWeights(NamedTensors file) {
    WeightLoading.loadOfficial(graph, session(), training.variables(), file);
  }

  /** Also reloads the frozen tokenizer, which the run's checkpoints do not hold. */
  @Override
  public void restore(Path prefix) {
    super.restore(prefix);
    if (images != null) {
      images.loadTokenizer(session());
    }
  }

  @Override
  protected Variables variables() {
    return training.variables();
  }

  public TrainingGraph graph() {
    return training;
  }

  public SorcenConfig config() {
    return config;
  }
}
