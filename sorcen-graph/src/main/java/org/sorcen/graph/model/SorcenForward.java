package org.sorcen.graph.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.config.TrainConfig;
import org.sorcen.graph.nn.CrossReplica;
import org.sorcen.graph.nn.LayerContext;
import org.sorcen.graph.nn.LayerNorm;
import org.sorcen.graph.nn.Linear;
import org.sorcen.graph.nn.MlmHead;
import org.sorcen.graph.nn.ProjectionHead;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The Sorcen forward pass (ALGORITHM.md §4.3–§4.14) from ids and masks to every loss term. Where the
 * masks and the echo come from is the caller's business: the training graph draws them in-graph,
 * tests and the reference check feed them explicitly.
 */
public final class SorcenForward {
  /** eps of the official probe's fc_norm (timm's LayerNorm partial with eps 1e-6). */
  static final double PROBE_NORM_EPS = 1e-6;

  private SorcenForward() {}

  /**
   * @param student context of the student encoder, decoder and heads
   * @param teacher context of the teacher blocks and momentum projector (weights read after the EMA)
   * @param tokens [B, L] ground-truth ids
   * @param labels [B] class ids (−1 unknown), or null when the data has none
   * @param dropped [B, L], with {@code masked} [B, L]: dropped ⊂ masked, exact per-row counts
   * @param echoOf turns the decoder logits at the grid positions over the codebook, [B, L, C], into the teacher's input grid [B, L], already crop-masked
   */
  public static ForwardResult apply(
      SorcenConfig config,
      Variables vars,
      LayerContext student,
      LayerContext teacher,
      Operand<TInt64> tokens,
      Operand<TInt64> labels,
      Operand<TBool> dropped,
      Operand<TBool> masked,
      Function<Operand<TFloat32>, Operand<TInt64>> echoOf) {
    return apply(
        config,
        vars,
        student,
        teacher,
        tokens,
        labels,
        dropped,
        masked,
        echoOf,
        CrossReplica.single());
  }

  /**
   * The same for one of W data-parallel workers: the inputs are this worker's rows, the losses are
   * the global batch's (batch-coupled terms on gathered rows), and {@link ForwardResult#objective()}
   * is this worker's share of the gradient.
   */
  public static ForwardResult apply(
      SorcenConfig config,
      Variables vars,
      LayerContext student,
      LayerContext teacher,
      Operand<TInt64> tokens,
      Operand<TInt64> labels,
      Operand<TBool> dropped,
      Operand<TBool> masked,
      Function<Operand<TFloat32>, Operand<TInt64>> echoOf,
      CrossReplica replicas) {
    Ops tf = student.tf();
    ModelConfig m = config.model;
    int seqLen = m.seqLen();
    int kept = seqLen - config.masking.numDropped(seqLen);

    Operand<TInt64> maskedIds = tf.select(masked, tf.constant((long) m.maskId()), tokens);
    Operand<TInt32> keptPositions = Masking.keptPositions(tf, dropped, seqLen, kept);
    Operand<TFloat32> latent =
        Encoder.apply(
            student, m, Encoder.STUDENT_BLOCKS, Encoder.withCls(tf, m, maskedIds), keptPositions);
    Operand<TFloat32> decoded = Decoder.hidden(student, m, latent, dropped, masked);
    // The full [B, L+1, V] logits are kept for callers that fetch them (reference checks); the step
    // itself computes only the grid-by-codebook part its losses and echo read.
    Operand<TFloat32> logits = MlmHead.apply(student, decoded);
    Operand<TFloat32> gridLogits = MlmHead.gridLogits(student, decoded, m.codebookSize);
    Operand<TFloat32> localReconstruction =
        Losses.reconstruction(
            tf, gridLogits, tokens, masked, m.codebookSize, config.loss.labelSmoothing);
    // Every row has the same number of masked positions (one rate per batch), so the global mean is
    // the mean of the workers' means.
    Operand<TFloat32> reconstruction = replicas.meanOverWorkers(tf, localReconstruction);
    List<Operand<TFloat32>> objective =
        new ArrayList<>(List.of(replicas.share(tf, localReconstruction)));

    // Distinct constants: a Session refuses to fetch one output twice.
    Operand<TFloat32> uniformity = tf.constant(0f);
    Operand<TFloat32> contrastive = tf.constant(0f);
    Operand<TInt64> echo = null;
    Operand<TFloat32> teacherLatent = null;
    Operand<TFloat32> z = null;
    Operand<TFloat32> q = null;
    if (config.isSorcen()) {
      echo = tf.stopGradient(echoOf.apply(gridLogits));
      // No gradient reaches the teacher path, not even the shared embedding and final norm.
      teacherLatent =
          tf.stopGradient(
              Encoder.apply(
                  teacher, m, Encoder.TEACHER_BLOCKS, Encoder.withCls(tf, m, echo), null));
      // Batch-coupled from here: the uniformity and the in-batch contrast see the global batch, and
      // so do the heads' BatchNorm statistics unless they are per worker ("local").
      boolean localStatistics =
          TrainConfig.LOCAL_STATISTICS.equals(config.train.batchNormStatistics);
      List<Operand<TFloat32>> locals = new ArrayList<>();
      locals.add(tf.math.mean(latent, tf.constant(1)));
      Operand<TFloat32> teacherIn = meanOfGrid(tf, teacherLatent);
      if (localStatistics) {
        locals.add(studentPrediction(student, vars, meanOfGrid(tf, latent)));
        locals.add(momentumProjection(teacher, vars, config, teacherIn));
      } else {
        locals.add(meanOfGrid(tf, latent));
      }
      List<Operand<TFloat32>> gathered =
          locals.stream().map(x -> replicas.gatherRows(tf, x)).toList();
      uniformity = Losses.uniformityOfMeans(tf, gathered.get(0), config.loss.uniformityWeight);
      if (localStatistics) {
        q = gathered.get(1);
        z = gathered.get(2);
      } else {
        q = studentPrediction(student, vars, gathered.get(1));
        z = momentumProjection(teacher, vars, config, replicas.gatherRows(tf, teacherIn));
      }
      contrastive =
          Losses.contrastive(tf, z, q, config.loss.temperature, config.loss.contrastiveWeight);
      objective.add(
          replicas.coupledObjective(tf, tf.math.add(uniformity, contrastive), locals, gathered));
      z = replicas.ownRows(tf, z);
      q = replicas.ownRows(tf, q);
    }

    Operand<TFloat32> classifierLoss = tf.constant(0f);
    Operand<TFloat32> accuracy = tf.constant(0f);
    if (m.numClasses > 0 && labels != null) {
      // The mean over labelled rows of the global batch: the classifier sees every worker's rows.
      Operand<TFloat32> features =
          replicas.gatherRows(tf, tf.stopGradient(tf.math.mean(latent, tf.constant(1))));
      Operand<TFloat32> h =
          tf.nn.relu(Linear.apply(student, SorcenVariables.CLASSIFIER + ".0", features));
      Operand<TFloat32> classLogits = Linear.apply(student, SorcenVariables.CLASSIFIER + ".2", h);
      Losses.Classification c =
          Losses.classifier(tf, classLogits, replicas.gatherRows(tf, labels), m.numClasses);
      classifierLoss = c.loss();
      accuracy = c.accuracy();
      objective.add(replicas.share(tf, classifierLoss));
    }
    Operand<TFloat32> total =
        tf.math.addN(List.of(reconstruction, uniformity, contrastive, classifierLoss));
    return new ForwardResult(
        latent,
        logits,
        echo,
        teacherLatent,
        z,
        q,
        reconstruction,
        uniformity,
        contrastive,
        classifierLoss,
        accuracy,
        total,
        replicas.isSingle() ? total : tf.math.addN(objective));
  }

  /** q = predictor(projector(x)). */
  /**
   * The momentum projector on the teacher's pooled output. ALGORITHM.md §5: officially the contrastive
   * gradient reaches the momentum projector (never the teacher blocks, whose output arrives here
   * without gradient); under "ema" it is moved by the EMA alone, so z is a constant.
   */
  private static Operand<TFloat32> momentumProjection(
      LayerContext teacher, Variables vars, SorcenConfig config, Operand<TFloat32> teacherPooled) {
    Operand<TFloat32> z =
        ProjectionHead.apply(teacher, vars, SorcenVariables.MOMENTUM_PROJECTOR, teacherPooled);
    return config.ema.momentumProjectorTrained() ? z : teacher.tf().stopGradient(z);
  }

  private static Operand<TFloat32> studentPrediction(
      LayerContext student, Variables vars, Operand<TFloat32> x) {
    return ProjectionHead.apply(
        student,
        vars,
        SorcenVariables.PREDICTOR,
        ProjectionHead.apply(student, vars, SorcenVariables.PROJECTOR, x));
  }

  /**
   * The embedding, the official linear-probe feature (ALGORITHM.md §8, official {@code models_vit.py}
   * with {@code global_pool}): the encoder on the full unmasked sequence, the mean of the last block's
   * outputs over positions 1..L (CLS excluded) taken before the final norm, then a LayerNorm without
   * scale or shift (eps 1e-6). Use an inference context.
   */
  public static Operand<TFloat32> embedding(
      LayerContext ctx, ModelConfig m, Operand<TInt64> tokens) {
    return probeFeature(ctx.tf(), beforeNorm(ctx, m, tokens));
  }

  /** The probe feature of {@link #embedding} from the pre-norm outputs [B, L+1, D]. */
  public static Operand<TFloat32> probeFeature(Ops tf, Operand<TFloat32> beforeNorm) {
    return LayerNorm.withoutAffine(tf, meanOfGrid(tf, beforeNorm), PROBE_NORM_EPS);
  }

  /** Final-normed encoder outputs [B, L+1, D] of the unmasked sequence, CLS at 0. */
  public static Operand<TFloat32> patchFeatures(
      LayerContext ctx, ModelConfig m, Operand<TInt64> tokens) {
    return Encoder.finalNorm(ctx, beforeNorm(ctx, m, tokens));
  }

  /** The last block's outputs [B, L+1, D] of the unmasked sequence, before the final norm, CLS at 0. */
  public static Operand<TFloat32> beforeNorm(
      LayerContext ctx, ModelConfig m, Operand<TInt64> tokens) {
    return Encoder.beforeNorm(
        ctx, m, Encoder.STUDENT_BLOCKS, Encoder.withCls(ctx.tf(), m, tokens), null);
  }

  /** Mean over positions 1.. (CLS excluded). */
  static Operand<TFloat32> meanOfGrid(Ops tf, Operand<TFloat32> x) {
    long n = x.shape().get(1);
    Operand<TFloat32> grid =
        tf.slice(x, tf.constant(new int[] {0, 1, 0}), tf.constant(new int[] {-1, (int) n - 1, -1}));
    return tf.math.mean(grid, tf.constant(1));
  }
}
