package org.sorcen.graph.model;

import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.LayerContext;
import org.sorcen.graph.nn.Precision;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The deterministic entry: the training-mode forward pass (BatchNorm on batch statistics) with
 * dropout off and the drop/mask/echo inputs fed explicitly instead of drawn, plus the eval-mode
 * embedding (the official probe feature) and the eval-mode mean of the final-normed patch outputs
 * (what the reference fixtures' {@code expected.embedding} holds: they define the embedding that way).
 * This is what the reference fixtures describe and what tests compare against.
 */
public record ExplicitForward(
    Placeholder<TInt64> tokens,
    Placeholder<TInt64> labels,
    Placeholder<TBool> dropped,
    Placeholder<TBool> masked,
    Placeholder<TInt64> echo,
    ForwardResult result,
    Operand<TFloat32> embedding,
    Operand<TFloat32> finalNormMean) {

  public static ExplicitForward build(Ops tf, SorcenConfig config, Variables vars) {
    int seqLen = config.model.seqLen();
    Shape grid = Shape.of(-1, seqLen);
    Placeholder<TInt64> tokens =
        tf.withName("tokens").placeholder(TInt64.class, Placeholder.shape(grid));
    Placeholder<TInt64> labels =
        tf.withName("labels").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
    Placeholder<TBool> dropped =
        tf.withName("dropped").placeholder(TBool.class, Placeholder.shape(grid));
    Placeholder<TBool> masked =
        tf.withName("masked").placeholder(TBool.class, Placeholder.shape(grid));
    Placeholder<TInt64> echo =
        tf.withName("echo").placeholder(TInt64.class, Placeholder.shape(grid));
    Precision precision = Precision.of(config.model.computeDtype);
    LayerContext ctx = LayerContext.training(tf, vars::read, precision, 0, null);
    ForwardResult result =
        SorcenForward.apply(
            config,
            vars,
            ctx,
            ctx,
            tokens,
            config.model.numClasses > 0 ? labels : null,
            dropped,
            masked,
            logits -> echo);
    LayerContext eval = LayerContext.inference(tf, vars::read, precision);
    Operand<TFloat32> beforeNorm = SorcenForward.beforeNorm(eval, config.model, tokens);
    Operand<TFloat32> embedding = SorcenForward.probeFeature(tf, beforeNorm);
    Operand<TFloat32> finalNormMean =
        SorcenForward.meanOfGrid(tf, Encoder.finalNorm(eval, beforeNorm));
    return new ExplicitForward(
        tokens, labels, dropped, masked, echo, result, embedding, finalNormMean);
  }
}
