package org.sorcen.graph.tokenizer;

import java.util.List;
import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A 2-D convolution with bias, NHWC, SAME padding. Weights are [k, k, in, out] (TensorFlow's own
 * layout: there is no official checkpoint to match), He-normal so that ReLU stacks keep their scale.
 */
public final class Conv {
  private Conv() {}

  public static void declare(
      Variables vars, Initializers init, String prefix, int kernel, int in, int out) {
    Shape w = Shape.of(kernel, kernel, in, out);
    vars.create(
        prefix + ".weight",
        w,
        VariableRole.TRAINABLE,
        init.normal(prefix + ".weight", w, Math.sqrt(2.0 / (kernel * kernel * in))));
    vars.create(
        prefix + ".bias", Shape.of(out), VariableRole.TRAINABLE, Initializers.zeros(Shape.of(out)));
  }

  public static Operand<TFloat32> apply(
      Ops tf, WeightSource w, String prefix, Operand<TFloat32> x, int stride) {
    Operand<TFloat32> y =
        tf.nn.conv2d(
            x, w.weight(prefix + ".weight"), List.of(1L, (long) stride, (long) stride, 1L), "SAME");
    return tf.nn.biasAdd(y, w.weight(prefix + ".bias"));
  }
}
