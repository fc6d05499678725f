package org.sorcen.export;

import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.Encoder;
import org.sorcen.graph.model.SorcenForward;
import org.sorcen.graph.model.SorcenVariables;
import org.sorcen.graph.nn.LayerContext;
import org.sorcen.graph.nn.Precision;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.sorcen.graph.train.CheckpointOps;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The inference-only encoder (ALGORITHM.md §4, §8): the student encoder's variables and nothing else,
 * eval mode, dynamic batch. {@code tokens} [-1, L] → {@code embedding} [-1, D] (the official
 * linear-probe feature, {@link SorcenForward#embedding}), {@code patch_features} [-1, L, D] and
 * {@code cls} [-1, D] (both final-normed). The graph the {@code sorcen-encoder} SavedModel serves.
 */
public record EncoderGraph(
    Placeholder<TInt64> tokens,
    Operand<TFloat32> embedding,
    Operand<TFloat32> patchFeatures,
    Operand<TFloat32> cls) {

  /** Builds the graph on {@code tf} with the encoder's variables declared but not loaded. */
  public static EncoderGraph build(Ops tf, SorcenConfig config) {
    Variables vars = new Variables(tf);
    SorcenVariables.declareEncoder(vars, config);
    int l = config.model.seqLen();
    Placeholder<TInt64> tokens =
        tf.withName("tokens").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, l)));
    Operand<TInt64> checked =
        InputChecks.idsInRange(tf, tokens, 0, config.model.codebookSize, "token ids");
    LayerContext ctx =
        LayerContext.inference(tf, vars::read, Precision.of(config.model.computeDtype));
    Operand<TFloat32> beforeNorm = SorcenForward.beforeNorm(ctx, config.model, checked);
    Operand<TFloat32> all = Encoder.finalNorm(ctx, beforeNorm);
    int d = config.model.embedDim;
    Operand<TFloat32> cls =
        tf.reshape(
            tf.slice(all, tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {-1, 1, d})),
            tf.constant(new long[] {-1, d}));
    Operand<TFloat32> patches =
        tf.slice(all, tf.constant(new int[] {0, 1, 0}), tf.constant(new int[] {-1, l, d}));
    Operand<TFloat32> embedding = SorcenForward.probeFeature(tf, beforeNorm);
    CheckpointOps.build(tf, vars);
    return new EncoderGraph(
        tokens,
        tf.withName("embedding").identity(embedding),
        tf.withName("patch_features").identity(patches),
        tf.withName("cls").identity(cls));
  }

  /**
   * The embedding [-1, D] of ids already known to be in range (e.g. a tokenizer's output), in eval
   * mode and the config's compute dtype, for graphs that hold the encoder's variables next to others
   * ({@link ImageEncoderGraph}, a training session's graph).
   */
  public static Operand<TFloat32> embedding(
      Ops tf, WeightSource weights, SorcenConfig config, Operand<TInt64> ids) {
    LayerContext ctx = LayerContext.inference(tf, weights, Precision.of(config.model.computeDtype));
    return SorcenForward.embedding(ctx, config.model, ids);
  }
}
