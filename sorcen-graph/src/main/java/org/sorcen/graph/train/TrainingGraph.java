package org.sorcen.graph.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.ForwardResult;
import org.sorcen.graph.model.MaskSample;
import org.sorcen.graph.model.SorcenForward;
import org.sorcen.graph.model.SorcenVariables;
import org.sorcen.graph.nn.CrossReplica;
import org.sorcen.graph.nn.LayerContext;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.Precision;
import org.sorcen.graph.nn.RandomStream;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * One Sorcen (or MAGE) training step as a graph: masks and echo ({@link StepInputs}), forward,
 * gradients of the trained variables only, global-norm clipping, the teacher EMA, AdamW, BatchNorm running
 * statistics, and the step counter. Running {@link #trainOp()} performs one update; fetching the
 * operands of {@link #forward()} alongside gives that step's losses. Checkpoint ops cover every
 * variable, optimizer moments and the step included.
 */
public final class TrainingGraph {
  public static final String STEP = "global_step";

  private final Variables variables;
  private final Operand<TInt64> tokens;
  private final ForwardResult forward;
  private final Schedules schedules;
  private final MaskSample masks;
  private final Operand<TFloat32> gradientNorm;
  private final Operand<TInt64> step;
  private final Op trainOp;
  private final Operand<TFloat32> stopVote;
  private final Operand<TFloat32> stopVotes;

  private TrainingGraph(
      Variables variables,
      Operand<TInt64> tokens,
      ForwardResult forward,
      Schedules schedules,
      MaskSample masks,
      Operand<TFloat32> gradientNorm,
      Operand<TInt64> step,
      Op trainOp,
      Operand<TFloat32> stopVote,
      Operand<TFloat32> stopVotes) {
    this.variables = variables;
    this.tokens = tokens;
    this.forward = forward;
    this.schedules = schedules;
    this.masks = masks;
    this.gradientNorm = gradientNorm;
    this.step = step;
    this.trainOp = trainOp;
    this.stopVote = stopVote;
    this.stopVotes = stopVotes;
  }

  /**
   * @param tokens [B, L] int64 ids in [0, C) (a placeholder or a dataset iterator's output)
   * @param labels [B] int64 with −1 for unknown, or null when the data has no labels
   * @param stepsPerEpoch optimizer steps in one epoch of the data (schedules run on epochs)
   */
  public static TrainingGraph build(
      Ops tf,
      SorcenConfig config,
      Operand<TInt64> tokens,
      Operand<TInt64> labels,
      double stepsPerEpoch) {
    return build(
        tf, config, tokens, labels, stepsPerEpoch, StepInputs.sampled(), CrossReplica.single());
  }

  /** The same step with the masks and echo taken from {@code inputs} (fed ones replay a recorded step). */
  public static TrainingGraph build(
      Ops tf,
      SorcenConfig config,
      Operand<TInt64> tokens,
      Operand<TInt64> labels,
      double stepsPerEpoch,
      StepInputs inputs) {
    return build(tf, config, tokens, labels, stepsPerEpoch, inputs, CrossReplica.single());
  }

  /**
   * The step of one of W data-parallel workers: {@code tokens} and {@code labels} are the GLOBAL batch
   * (every worker reads the same one), of which this worker computes its rows; gradients are summed
   * over workers in-graph, so every worker applies the same update.
   */
  public static TrainingGraph build(
      Ops tf,
      SorcenConfig config,
      Operand<TInt64> globalTokens,
      Operand<TInt64> globalLabels,
      double stepsPerEpoch,
      CrossReplica replicas) {
    return build(
        tf, config, globalTokens, globalLabels, stepsPerEpoch, StepInputs.sampled(), replicas);
  }

  private static TrainingGraph build(
      Ops tf,
      SorcenConfig config,
      Operand<TInt64> globalTokens,
      Operand<TInt64> globalLabels,
      double stepsPerEpoch,
      StepInputs inputs,
      CrossReplica replicas) {
    return build(
        tf,
        config,
        random -> replicas.ownRows(tf, globalTokens),
        globalLabels,
        stepsPerEpoch,
        inputs,
        replicas);
  }

  /**
   * The step on raw images (train.input "images", official MAGE): the global batch {@code globalImages}
   * (uint8 [B, H, W, C], every worker the same), of which this worker crops, flips and tokenizes its
   * rows with {@code tokenizer} inside the step, crops drawn from the step's random stream (or fed,
   * by {@code inputs}) before the masks.
   */
  public static TrainingGraph buildOnImages(
      Ops tf,
      SorcenConfig config,
      OnlineTokens tokenizer,
      Operand<TUint8> globalImages,
      Operand<TInt64> globalLabels,
      double stepsPerEpoch,
      StepInputs inputs,
      CrossReplica replicas) {
    Precision precision = Precision.of(config.model.computeDtype);
    return build(
        tf,
        config,
        random -> {
          Operand<TUint8> images = replicas.ownRows(tf, globalImages);
          return tokenizer.encode(tf, images, inputs.crops(tf, config, images, random), precision);
        },
        globalLabels,
        stepsPerEpoch,
        inputs,
        replicas);
  }

  /** This worker's ids of the step, made from the step's random stream when they are made in-graph. */
  private interface TokenSource {
    Operand<TInt64> tokens(RandomStream random);
  }

  private static TrainingGraph build(
      Ops tf,
      SorcenConfig config,
      TokenSource source,
      Operand<TInt64> globalLabels,
      double stepsPerEpoch,
      StepInputs inputs,
      CrossReplica replicas) {
    Operand<TInt64> labels = globalLabels != null ? replicas.ownRows(tf, globalLabels) : null;
    Variables vars = new Variables(tf);
    SorcenVariables.declare(vars, config);
    ModelVariable stepVar =
        vars.create(
            STEP, Shape.scalar(), TInt64.class, VariableRole.OPTIMIZER, init -> init.constant(0L));
    Operand<TInt64> step = stepVar.read(tf);
    Schedules schedules = new Schedules(tf, config, step, stepsPerEpoch);
    RandomStream random = new RandomStream(step, config.train.seed, replicas);
    Operand<TInt64> tokens = source.tokens(random);

    MaskSample masks = inputs.masks(tf, config, tokens, random);
    LayerContext student =
        LayerContext.training(
                tf,
                vars::read,
                Precision.of(config.model.computeDtype),
                config.model.dropout,
                random)
            .withXlaChains(config.model.xlaChains());
    List<Op> emaOps =
        config.isSorcen() ? TeacherEma.updates(tf, vars, schedules.momentum()) : List.of();
    Map<String, Operand<TFloat32>> afterEma = readsAfter(tf, vars, emaOps);
    LayerContext teacher =
        student.withWeights(
            name -> afterEma.containsKey(name) ? afterEma.get(name) : vars.read(name));
    ForwardResult fwd =
        SorcenForward.apply(
            config,
            vars,
            student,
            teacher,
            tokens,
            labels,
            masks.dropped(),
            masks.masked(),
            logits -> inputs.echo(tf, config, tokens, logits, schedules, random),
            replicas);

    List<ModelVariable> params = trainable(vars, config, labels != null);
    // A variable the EMA moves is differentiated at the value the forward pass read, after the EMA.
    List<Operand<TFloat32>> reads =
        params.stream()
            .map(p -> afterEma.containsKey(p.name()) ? afterEma.get(p.name()) : vars.read(p.name()))
            .toList();
    // A worker that is not asked to stop votes 0 without feeding anything.
    Operand<TFloat32> stopVote =
        replicas.isSingle()
            ? null
            : tf.withName("stop_vote").placeholderWithDefault(tf.constant(0f), Shape.scalar());
    GradientSum.Summed summed =
        GradientSum.over(tf, replicas, Gradients.of(tf, fwd.objective(), reads), reads, stopVote);
    List<Operand<TFloat32>> grads = summed.grads();
    GradientClipping clipping = new GradientClipping(tf, grads, config.optimizer.clipGradNorm);

    // Every read of this step (losses, echo, teacher, statistics) happens before any variable
    // moves;
    // AdamW's own reads come after the EMA, so a trained momentum projector is stepped from its EMA
    // value.
    List<Op> before = new ArrayList<>(fwd.scalars().values());
    before.add(clipping.globalNorm());
    before.addAll(emaOps);
    before.addAll(student.statisticUpdates());
    List<Op> updates =
        AdamW.updates(
            tf,
            vars,
            params,
            clipping.clipped(),
            schedules.learningRate(),
            step,
            config.optimizer,
            before);
    Op trainOp =
        tf.withControlDependencies(updates)
            .withName("train_step")
            .assignAddVariableOp(stepVar.handle(), tf.constant(1L));
    CheckpointOps.build(tf, vars);
    return new TrainingGraph(
        vars,
        tokens,
        fwd,
        schedules,
        masks,
        clipping.globalNorm(),
        step,
        trainOp,
        stopVote,
        summed.stopVotes());
  }

  /**
   * Variables the optimizer steps that reach the loss: the classifier only when labels are fed; the
   * momentum projector under {@code ema.momentum_projector: trained}.
   */
  static List<ModelVariable> trainable(Variables vars, SorcenConfig config, boolean hasLabels) {
    return vars.all().stream()
        .filter(v -> v.role().trained())
        .filter(v -> hasLabels || !v.name().startsWith(SorcenVariables.CLASSIFIER + "."))
        .toList();
  }

  /** Reads, after the EMA update, of every variable the EMA moves (the teacher's weights). */
  private static Map<String, Operand<TFloat32>> readsAfter(
      Ops tf, Variables vars, List<Op> emaOps) {
    Ops afterEma = tf.withControlDependencies(emaOps);
    Map<String, Operand<TFloat32>> reads = new HashMap<>();
    for (ModelVariable v : vars.all()) {
      if (v.role().followsEma()) {
        reads.put(v.name(), v.read(afterEma));
      }
    }
    return reads;
  }

  public Variables variables() {
    return variables;
  }

  /** This worker's ids of the step [b, L]: the batch's, or those the tokenizer made of its crops. */
  public Operand<TInt64> tokens() {
    return tokens;
  }

  public ForwardResult forward() {
    return forward;
  }

  public Schedules schedules() {
    return schedules;
  }

  public MaskSample masks() {
    return masks;
  }

  public Operand<TFloat32> gradientNorm() {
    return gradientNorm;
  }

  /** The step before this update. */
  public Operand<TInt64> step() {
    return step;
  }

  public Op trainOp() {
    return trainOp;
  }

  /**
   * Data-parallel only (null for one process): this worker's stop vote, a float scalar to feed with
   * 1 when it was asked to stop (default 0), and the step's sum of every worker's vote, all-reduced
   * with the gradients, so that every worker sees the same sum after the same step.
   */
  public Operand<TFloat32> stopVote() {
    return stopVote;
  }

  public Operand<TFloat32> stopVotes() {
    return stopVotes;
  }
}
