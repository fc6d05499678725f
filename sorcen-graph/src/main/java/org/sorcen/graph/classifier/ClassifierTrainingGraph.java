package org.sorcen.graph.classifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.config.OptimizerConfig;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.train.AdamW;
import org.sorcen.graph.train.CheckpointOps;
import org.sorcen.graph.train.GradientClipping;
import org.sorcen.graph.train.Gradients;
import org.sorcen.graph.train.Schedules;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * One classifier training step: forward, mean softmax cross-entropy against one-hot labels (the
 * sparse op has no gradient in TF Java), AdamW with warm-up + cosine lr in epochs, then
 * {@code global_step += 1}. Also gives the eval-mode outputs of the same weights and checkpoint
 * ops over every variable.
 */
public final class ClassifierTrainingGraph {
  public static final String STEP = "global_step";

  private final Variables variables;
  private final ClassifierModel.Outputs outputs;
  private final Map<String, Operand<?>> metrics;
  private final Op trainOp;

  private ClassifierTrainingGraph(
      Variables variables,
      ClassifierModel.Outputs outputs,
      Map<String, Operand<?>> metrics,
      Op trainOp) {
    this.variables = variables;
    this.outputs = outputs;
    this.metrics = metrics;
    this.trainOp = trainOp;
  }

  /**
   * @param images uint8 [B, S, S, C]
   * @param labels int64 [B] in [0, K)
   * @param stepsPerEpoch optimizer steps per epoch, for the epoch-based lr schedule
   */
  public static ClassifierTrainingGraph build(
      Ops tf,
      ClassifierConfig cfg,
      OptimizerConfig opt,
      int batchSize,
      double epochs,
      double stepsPerEpoch,
      Operand<TUint8> images,
      Operand<TInt64> labels) {
    Variables vars = new Variables(tf);
    ClassifierModel.declare(vars, cfg);
    ModelVariable stepVar =
        vars.create(
            STEP, Shape.scalar(), TInt64.class, VariableRole.OPTIMIZER, init -> init.constant(0L));
    Operand<TInt64> step = stepVar.read(tf);

    ClassifierModel.Outputs out = ClassifierModel.forward(tf, vars::read, cfg, images);
    Operand<TFloat32> oneHot =
        tf.oneHot(labels, tf.constant(cfg.numClasses()), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> loss =
        tf.math.mean(
            tf.nn.softmaxCrossEntropyWithLogits(out.logits(), oneHot).loss(), tf.constant(0));
    Operand<TFloat32> correct =
        tf.dtypes.cast(
            tf.math.equal(tf.math.argMax(out.logits(), tf.constant(1)), labels), TFloat32.class);
    Operand<TFloat32> accuracy = tf.math.mean(correct, tf.constant(0));

    List<ModelVariable> params = vars.withRole(VariableRole.TRAINABLE);
    List<Operand<TFloat32>> grads =
        Gradients.of(tf, loss, params.stream().map(p -> vars.read(p.name())).toList());
    GradientClipping clipping = new GradientClipping(tf, grads, opt.clipGradNorm);
    Operand<TFloat32> epoch =
        tf.math.div(tf.dtypes.cast(step, TFloat32.class), tf.constant((float) stepsPerEpoch));
    Operand<TFloat32> lr =
        Schedules.warmupCosine(
            tf, epoch, opt.warmupEpochs, epochs, opt.peakLr(batchSize), opt.minLr);

    Map<String, Operand<?>> metrics = new LinkedHashMap<>();
    metrics.put("loss", loss);
    metrics.put("accuracy", accuracy);
    metrics.put("lr", lr);
    List<Op> before = new ArrayList<>(metrics.values());
    List<Op> updates = AdamW.updates(tf, vars, params, clipping.clipped(), lr, step, opt, before);
    Op trainOp =
        tf.withControlDependencies(updates)
            .withName("train_step")
            .assignAddVariableOp(stepVar.handle(), tf.constant(1L));
    CheckpointOps.build(tf, vars);
    return new ClassifierTrainingGraph(vars, out, metrics, trainOp);
  }

  public Variables variables() {
    return variables;
  }

  /** Features and logits of the fed images with the current weights (no update without {@link #trainOp()}). */
  public ClassifierModel.Outputs outputs() {
    return outputs;
  }

  /** Scalars of the step, by name: loss, accuracy (of the batch, before the update), lr. */
  public Map<String, Operand<?>> metrics() {
    return metrics;
  }

  public Op trainOp() {
    return trainOp;
  }
}
