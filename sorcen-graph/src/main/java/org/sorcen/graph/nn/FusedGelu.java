package org.sorcen.graph.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Exact GELU, 0.5·x·(1 + erf(x/√2)), with its forward and its backward, x ↦ dy·(Φ(x) + x·φ(x)),
 * each one XLA kernel. The same function as {@link Activations#gelu}; values and gradients agree
 * with it to float32 rounding (a few ulps), which {@code FusedGeluTest} holds.
 */
final class FusedGelu {
  private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
  private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

  private FusedGelu() {}

  static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    XlaChain c = XlaChain.open(tf, "gelu");
    Operand<TFloat32> y = c.mul(c.mul(x, 0.5), c.add(c.erf(c.mul(x, INV_SQRT2)), 1.0));
    return GradientHook.attach(tf, "gelu", FusedGelu::backward, y, List.of(x));
  }

  @SuppressWarnings("unchecked")
  private static List<Operand<?>> backward(Ops tf, Output<?> dy, List<Output<?>> inputs) {
    Operand<TFloat32> x = (Output<TFloat32>) inputs.get(0);
    XlaChain c = XlaChain.open(tf, "gelu_grad");
    Operand<TFloat32> cdf = c.mul(c.add(c.erf(c.mul(x, INV_SQRT2)), 1.0), 0.5);
    Operand<TFloat32> pdf = c.mul(c.exp(c.mul(c.square(x), -0.5)), INV_SQRT_2PI);
    Operand<TFloat32> dx = c.mul((Output<TFloat32>) dy, c.add(cdf, c.mul(x, pdf)));
    return List.of(dx);
  }
}
