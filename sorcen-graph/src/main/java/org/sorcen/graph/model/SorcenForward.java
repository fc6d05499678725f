package org.sorcen.graph.model;

import java.util.function.Function;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.LayerContext;
import org.sorcen.graph.nn.LayerNorm;
import org.sorcen.graph.nn.Linear;
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
   * @param echoOf turns the decoder logits into the teacher's input grid [B, L], already crop-masked
   */
  public static ForwardResult apply(SorcenConfig config, Variables vars, LayerContext student, LayerContext teacher,
      Operand<TInt64> tokens, Operand<TInt64> labels, Operand<TBool> dropped, Operand<TBool> masked,
      Function<Operand<TFloat32>, Operand<TInt64>> echoOf) {
    Ops tf = student.tf();
    ModelConfig m = config.model;
    int seqLen = m.seqLen();
    int kept = seqLen - config.masking.numDropped(seqLen);

    Operand<TInt64> maskedIds = tf.select(masked, tf.constant((long) m.maskId()), tokens);
    Operand<TInt32> keptPositions = Masking.keptPositions(tf, dropped, seqLen, kept);
    Operand<TFloat32> latent = Encoder.apply(student, m, Encoder.STUDENT_BLOCKS, Encoder.withCls(tf, m, maskedIds),
        keptPositions);
    Operand<TFloat32> logits = Decoder.apply(student, m, latent, dropped, masked);
    Operand<TFloat32> reconstruction = Losses.reconstruction(tf, logits, tokens, masked, seqLen, m.codebookSize,
        config.loss.labelSmoothing);

    // Distinct constants: a Session refuses to fetch one output twice.
    Operand<TFloat32> uniformity = tf.constant(0f);
    Operand<TFloat32> contrastive = tf.constant(0f);
    Operand<TInt64> echo = null;
    Operand<TFloat32> teacherLatent = null;
    Operand<TFloat32> z = null;
    Operand<TFloat32> q = null;
    if (config.isSorcen()) {
      uniformity = Losses.uniformity(tf, latent, config.loss.uniformityWeight);
      echo = tf.stopGradient(echoOf.apply(logits));
      // No gradient reaches the teacher path, not even the shared embedding and final norm.
      teacherLatent = tf.stopGradient(Encoder.apply(teacher, m, Encoder.TEACHER_BLOCKS, Encoder.withCls(tf, m, echo),
          null));
      // ALGORITHM.md §5: officially the contrastive gradient reaches the momentum projector (not the
      // teacher blocks); under "ema" it is moved by the EMA alone, so z is a constant.
      z = ProjectionHead.apply(teacher, vars, SorcenVariables.MOMENTUM_PROJECTOR, meanOfGrid(tf, teacherLatent));
      if (!config.ema.momentumProjectorTrained()) {
        z = tf.stopGradient(z);
      }
      q = ProjectionHead.apply(student, vars, SorcenVariables.PREDICTOR,
          ProjectionHead.apply(student, vars, SorcenVariables.PROJECTOR, meanOfGrid(tf, latent)));
      contrastive = Losses.contrastive(tf, z, q, config.loss.temperature, config.loss.contrastiveWeight);
    }

    Operand<TFloat32> classifierLoss = tf.constant(0f);
    Operand<TFloat32> accuracy = tf.constant(0f);
    if (m.numClasses > 0 && labels != null) {
      Operand<TFloat32> features = tf.stopGradient(tf.math.mean(latent, tf.constant(1)));
      Operand<TFloat32> h = tf.nn.relu(Linear.apply(student, SorcenVariables.CLASSIFIER + ".0", features));
      Operand<TFloat32> classLogits = Linear.apply(student, SorcenVariables.CLASSIFIER + ".2", h);
      Losses.Classification c = Losses.classifier(tf, classLogits, labels, m.numClasses);
      classifierLoss = c.loss();
      accuracy = c.accuracy();
    }
    Operand<TFloat32> total = tf.math.addN(java.util.List.of(reconstruction, uniformity, contrastive, classifierLoss));
    return new ForwardResult(latent, logits, echo, teacherLatent, z, q, reconstruction, uniformity, contrastive,
        classifierLoss, accuracy, total);
  }

  /**
   * The embedding, the official linear-probe feature (ALGORITHM.md §8, official {@code models_vit.py}
   * with {@code global_pool}): the encoder on the full unmasked sequence, the mean of the last block's
   * outputs over positions 1..L (CLS excluded) taken before the final norm, then a LayerNorm without
   * scale or shift (eps 1e-6). Use an inference context.
   */
  public static Operand<TFloat32> embedding(LayerContext ctx, ModelConfig m, Operand<TInt64> tokens) {
    return probeFeature(ctx.tf(), beforeNorm(ctx, m, tokens));
  }

  /** The probe feature of {@link #embedding} from the pre-norm outputs [B, L+1, D]. */
  public static Operand<TFloat32> probeFeature(Ops tf, Operand<TFloat32> beforeNorm) {
    return LayerNorm.withoutAffine(tf, meanOfGrid(tf, beforeNorm), PROBE_NORM_EPS);
  }

  /** Final-normed encoder outputs [B, L+1, D] of the unmasked sequence, CLS at 0. */
  public static Operand<TFloat32> patchFeatures(LayerContext ctx, ModelConfig m, Operand<TInt64> tokens) {
    return Encoder.finalNorm(ctx, beforeNorm(ctx, m, tokens));
  }

  /** The last block's outputs [B, L+1, D] of the unmasked sequence, before the final norm, CLS at 0. */
  public static Operand<TFloat32> beforeNorm(LayerContext ctx, ModelConfig m, Operand<TInt64> tokens) {
    return Encoder.beforeNorm(ctx, m, Encoder.STUDENT_BLOCKS, Encoder.withCls(ctx.tf(), m, tokens), null);
  }

  /** Mean over positions 1.. (CLS excluded). */
  static Operand<TFloat32> meanOfGrid(Ops tf, Operand<TFloat32> x) {
    long n = x.shape().get(1);
    Operand<TFloat32> grid = tf.slice(x, tf.constant(new int[] {0, 1, 0}), tf.constant(new int[] {-1, (int) n - 1, -1}));
    return tf.math.mean(grid, tf.constant(1));
  }
}
