package org.sorcen.graph.probe;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.train.Gradients;
import org.sorcen.graph.train.Lars;
import org.sorcen.graph.train.Schedules;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A linear softmax classifier on frozen features, the head of the linear probe and of few-shot
 * evaluation (ALGORITHM.md §8). Features arrive already normalised (the parameter-free BatchNorm is
 * applied by the caller with exact training-set statistics), so the graph is logits = x·Wᵀ + b,
 * cross-entropy, and one LARS (or SGD-with-momentum) step whose learning rate follows warm-up then
 * cosine in the fed fractional {@code epoch}.
 */
public final class LinearClassifierGraph {
  /** How the head is trained. {@code trust <= 0} selects SGD with momentum instead of LARS. */
  public record Training(
      double peakLr,
      double warmupEpochs,
      double epochs,
      double momentum,
      double weightDecay,
      double trust,
      long seed) {}

  public final Placeholder<TFloat32> features;
  public final Placeholder<TInt64> labels;
  public final Placeholder<TFloat32> epoch;
  public final Operand<TFloat32> loss;
  public final Operand<TInt64> predictions;
  public final Operand<TFloat32> learningRate;
  public final Op trainStep;

  /** MAE initialises the probe's weight with std 0.01. */
  static final double WEIGHT_STD = 0.01;

  public LinearClassifierGraph(Ops tf, int dim, int numClasses, Training t) {
    features =
        tf.withName("features").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, dim)));
    labels = tf.withName("labels").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
    epoch = tf.withName("epoch").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    Variables vars = new Variables(tf);
    Shape wShape = Shape.of(numClasses, dim);
    ModelVariable w =
        vars.create(
            "head.weight",
            wShape,
            VariableRole.TRAINABLE,
            new Initializers(t.seed()).normal("head.weight", wShape, WEIGHT_STD));
    ModelVariable b =
        vars.create(
            "head.bias",
            Shape.of(numClasses),
            VariableRole.TRAINABLE,
            Initializers.zeros(Shape.of(numClasses)));
    Operand<TFloat32> wRead = vars.read(w.name());
    Operand<TFloat32> bRead = vars.read(b.name());
    Operand<TFloat32> logits =
        tf.math.add(tf.linalg.matMul(features, wRead, MatMul.transposeB(true)), bRead);
    // Written with LogSoftmax: SparseSoftmaxCrossEntropyWithLogits has no C++ gradient for
    // addGradients.
    Operand<TFloat32> picked =
        tf.math.mul(
            tf.nn.logSoftmax(logits),
            tf.oneHot(labels, tf.constant(numClasses), tf.constant(1f), tf.constant(0f)));
    loss = tf.math.neg(tf.math.mean(tf.reduceSum(picked, tf.constant(1)), tf.constant(0)));
    predictions = tf.math.argMax(logits, tf.constant(1), TInt64.class);

    List<Operand<TFloat32>> grads = Gradients.of(tf, loss, List.of(wRead, bRead));
    learningRate = Schedules.warmupCosine(tf, epoch, t.warmupEpochs(), t.epochs(), t.peakLr(), 0);
    List<Op> before = new ArrayList<>(List.of(loss, wRead, bRead));
    before.addAll(grads);
    Ops after = tf.withControlDependencies(before);
    trainStep =
        tf.withControlDependencies(
                Lars.updates(
                    after,
                    vars,
                    List.of(w, b),
                    grads,
                    learningRate,
                    t.momentum(),
                    t.weightDecay(),
                    t.trust()))
            .withName("train_step")
            .noOp();
  }
}
