package org.sorcen.graph.classifier;

import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.sorcen.graph.tokenizer.Conv;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * The feature classifier: (conv 3×3 → ReLU → max-pool 2×2) per stage, flatten, dense ReLU
 * (the features used for the Fréchet distance), dense to logits. Variables are named
 * {@code conv<i>.weight/.bias}, {@code features.weight/.bias}, {@code logits.weight/.bias}; dense
 * weights are [in, out] (TensorFlow's layout, like the convs).
 */
public final class ClassifierModel {
  public static final String FEATURES = "features";
  public static final String LOGITS = "logits";
  private static final int KERNEL = 3;

  /** What one forward pass gives. */
  public record Outputs(
      Operand<TFloat32> features, Operand<TFloat32> logits, Operand<TFloat32> probabilities) {}

  private ClassifierModel() {}

  public static void declare(Variables vars, ClassifierConfig cfg) {
    Initializers init = new Initializers(cfg.seed());
    int in = cfg.channels();
    for (int i = 0; i < cfg.convWidths().size(); i++) {
      Conv.declare(vars, init, conv(i), KERNEL, in, cfg.convWidths().get(i));
      in = cfg.convWidths().get(i);
    }
    // He-normal before a ReLU keeps the activation scale; the logits layer gets the smaller
    // 1/fan_in.
    dense(vars, init, FEATURES, cfg.flatDim(), cfg.featureDim(), 2.0);
    dense(vars, init, LOGITS, cfg.featureDim(), cfg.numClasses(), 1.0);
  }

  /** uint8 [B, S, S, C] → features [B, F], logits and probabilities [B, K]; pixels are scaled to [0, 1]. */
  public static Outputs forward(
      Ops tf, WeightSource w, ClassifierConfig cfg, Operand<TUint8> images) {
    Operand<TFloat32> x = tf.math.div(tf.dtypes.cast(images, TFloat32.class), tf.constant(255f));
    Operand<TInt32> pool = tf.constant(new int[] {1, 2, 2, 1});
    for (int i = 0; i < cfg.convWidths().size(); i++) {
      x = tf.nn.maxPool(tf.nn.relu(Conv.apply(tf, w, conv(i), x, 1)), pool, pool, "VALID");
    }
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, cfg.flatDim()}));
    Operand<TFloat32> features = tf.nn.relu(applyDense(tf, w, FEATURES, flat));
    Operand<TFloat32> logits = applyDense(tf, w, LOGITS, features);
    return new Outputs(features, logits, tf.nn.softmax(logits));
  }

  static String conv(int i) {
    return "conv" + i;
  }

  private static void dense(
      Variables vars, Initializers init, String prefix, int in, int out, double gain) {
    Shape w = Shape.of(in, out);
    vars.create(
        prefix + ".weight",
        w,
        VariableRole.TRAINABLE,
        init.normal(prefix + ".weight", w, Math.sqrt(gain / in)));
    vars.create(
        prefix + ".bias", Shape.of(out), VariableRole.TRAINABLE, Initializers.zeros(Shape.of(out)));
  }

  private static Operand<TFloat32> applyDense(
      Ops tf, WeightSource w, String prefix, Operand<TFloat32> x) {
    return tf.math.add(
        tf.linalg.matMul(x, w.weight(prefix + ".weight")), w.weight(prefix + ".bias"));
  }
}
