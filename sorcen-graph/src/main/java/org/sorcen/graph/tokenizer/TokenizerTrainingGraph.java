package org.sorcen.graph.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.RandomStream;
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
 * One tokenizer training step: pad → encode → nearest code → straight-through → decode; loss =
 * MSE(x̂, x) + β·commitment; AdamW on encoder and decoder (warm-up + cosine lr in epochs); then the
 * EMA codebook update with dead-code restarts, and {@code global_step += 1}. Every variable update
 * waits for every read of the step. Checkpoint ops cover all variables.
 */
public final class TokenizerTrainingGraph {
  public static final String STEP = "global_step";

  private final Variables variables;
  private final Map<String, Operand<?>> metrics;
  private final Op trainOp;

  private TokenizerTrainingGraph(Variables variables, Map<String, Operand<?>> metrics, Op trainOp) {
    this.variables = variables;
    this.metrics = metrics;
    this.trainOp = trainOp;
  }

  /**
   * @param images uint8 [B, H_in, W_in, C] with a static B (the restart draw and the loss means assume it)
   * @param stepsPerEpoch optimizer steps per epoch of the training set, for the epoch-based lr schedule
   */
  public static TokenizerTrainingGraph build(
      Ops tf, TokenizerConfig cfg, Operand<TUint8> images, double stepsPerEpoch) {
    Variables vars = new Variables(tf);
    TokenizerModel.declare(vars, cfg, true);
    ModelVariable stepVar =
        vars.create(
            STEP, Shape.scalar(), TInt64.class, VariableRole.OPTIMIZER, init -> init.constant(0L));
    Operand<TInt64> step = stepVar.read(tf);

    Operand<TFloat32> x = Pixels.toUnit(tf, cfg, images);
    Operand<TFloat32> z = ConvEncoder.apply(tf, vars::read, cfg, x);
    Operand<TFloat32> zFlat = tf.reshape(z, tf.constant(new long[] {-1, cfg.codeDim}));
    Operand<TFloat32> zFixed = tf.stopGradient(zFlat);
    Operand<TFloat32> codebook = vars.read(EmaCodebook.EMBED);
    Operand<TInt64> ids = VectorQuantizer.nearest(tf, zFixed, codebook);
    Operand<TFloat32> quantized = VectorQuantizer.lookup(tf, codebook, ids);
    Operand<TFloat32> passed =
        tf.reshape(VectorQuantizer.straightThrough(tf, zFlat, quantized), tf.shape(z));
    Operand<TFloat32> xHat = ConvDecoder.apply(tf, vars::read, cfg, passed);

    Operand<TFloat32> reconstruction =
        tf.math.mean(tf.math.squaredDifference(xHat, x), tf.constant(new int[] {0, 1, 2, 3}));
    Operand<TFloat32> commitment = VectorQuantizer.commitment(tf, zFlat, quantized);
    Operand<TFloat32> loss =
        tf.math.add(reconstruction, tf.math.mul(tf.constant((float) cfg.commitment), commitment));

    List<ModelVariable> params = vars.withRole(VariableRole.TRAINABLE);
    List<Operand<TFloat32>> grads =
        Gradients.of(tf, loss, params.stream().map(p -> vars.read(p.name())).toList());
    GradientClipping clipping = new GradientClipping(tf, grads, cfg.optimizer.clipGradNorm);
    Operand<TFloat32> epoch =
        tf.math.div(tf.dtypes.cast(step, TFloat32.class), tf.constant((float) stepsPerEpoch));
    Operand<TFloat32> lr =
        Schedules.warmupCosine(
            tf,
            epoch,
            cfg.optimizer.warmupEpochs,
            cfg.train.epochs,
            cfg.optimizer.peakLr(cfg.train.batchSize),
            cfg.optimizer.minLr);

    Map<String, Operand<?>> metrics = new LinkedHashMap<>();
    metrics.put("loss", loss);
    metrics.put("reconstruction", reconstruction);
    metrics.put("commitment", commitment);
    metrics.put("psnr", meanPsnr(tf, xHat, x));
    metrics.put("codes_used", VectorQuantizer.codesUsed(tf, ids, cfg.codebookSize));
    metrics.put("lr", lr);
    metrics.put("grad_norm", clipping.globalNorm());

    List<Op> before = new ArrayList<>();
    metrics.values().forEach(before::add);
    Ops after = tf.withControlDependencies(before);
    EmaCodebook.Update codebookUpdate =
        EmaCodebook.update(
            after, vars, cfg, zFixed, ids, new RandomStream(step, cfg.train.seed).next(tf));
    metrics.put("codes_restarted", codebookUpdate.restarted());
    List<Op> updates =
        new ArrayList<>(
            AdamW.updates(tf, vars, params, clipping.clipped(), lr, step, cfg.optimizer, before));
    updates.addAll(codebookUpdate.ops());
    Op trainOp =
        tf.withControlDependencies(updates)
            .withName("train_step")
            .assignAddVariableOp(stepVar.handle(), tf.constant(1L));
    metrics.put("step", step);
    CheckpointOps.build(tf, vars);
    return new TokenizerTrainingGraph(vars, metrics, trainOp);
  }

  /** Mean over images of 10·log10(1 / MSE), on the output clipped to [0, 1] as the uint8 decoder does. */
  static Operand<TFloat32> meanPsnr(Ops tf, Operand<TFloat32> xHat, Operand<TFloat32> x) {
    Operand<TFloat32> clipped = tf.clipByValue(xHat, tf.constant(0f), tf.constant(1f));
    Operand<TFloat32> mse =
        tf.math.mean(tf.math.squaredDifference(clipped, x), tf.constant(new int[] {1, 2, 3}));
    Operand<TFloat32> log10 =
        tf.math.div(
            tf.math.log(tf.math.maximum(mse, tf.constant(1e-10f))),
            tf.constant((float) Math.log(10)));
    return tf.math.mean(tf.math.mul(log10, tf.constant(-10f)), tf.constant(0));
  }

  public Variables variables() {
    return variables;
  }

  /** Scalars of the step, by name: loss terms, psnr, codes_used, codes_restarted, lr, grad_norm, step. */
  public Map<String, Operand<?>> metrics() {
    return metrics;
  }

  public Op trainOp() {
    return trainOp;
  }
}
