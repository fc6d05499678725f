package org.sorcen.graph.tokenizer;

import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** x + conv1×1(relu(conv3×3(relu(x)))), the VQ-VAE block: context at grid resolution for few FLOPs. */
final class ResidualBlock {
  private ResidualBlock() {}

  static void declare(Variables vars, Initializers init, String prefix, int width) {
    Conv.declare(vars, init, prefix + ".conv1", 3, width, width);
    Conv.declare(vars, init, prefix + ".conv2", 1, width, width);
  }

  static Operand<TFloat32> apply(Ops tf, WeightSource w, String prefix, Operand<TFloat32> x) {
    Operand<TFloat32> h = Conv.apply(tf, w, prefix + ".conv1", tf.nn.relu(x), 1);
    return tf.math.add(x, Conv.apply(tf, w, prefix + ".conv2", tf.nn.relu(h), 1));
  }
}
