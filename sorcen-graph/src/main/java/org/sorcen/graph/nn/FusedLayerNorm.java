package org.sorcen.graph.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * LayerNorm over the last axis of a [R, D] input, y = (x − μ)·rstd·w + b with rstd = 1/√(σ² + eps)
 * (biased σ²), its forward one XLA kernel and its backward another:
 *
 * <pre>
 *   x̂ = (x − μ)·rstd,  g = dy·w
 *   dx = rstd·(g − mean(g) − x̂·mean(g·x̂)),  dw = Σ_rows dy·x̂,  db = Σ_rows dy
 * </pre>
 *
 * TensorFlow's op-by-op version is ~8 kernels forward and ~20 backward. The statistics are
 * recomputed in the backward kernel rather than stored. Agrees with {@link LayerNorm#apply}'s
 * plain graph to float32 rounding ({@code FusedKernelsTest}).
 */
final class FusedLayerNorm {
  private FusedLayerNorm() {}

  static Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, Operand<TFloat32> b, double eps) {
    XlaChain c = XlaChain.open(tf, "layer_norm");
    Operand<TFloat32> y = c.add(c.mul(normalized(c, x, eps), w), b);
    return GradientHook.attach(
        tf, "layer_norm_eps_" + eps, (t, dy, in) -> backward(t, dy, in, eps), y, List.of(x, w, b));
  }

  private static Operand<TFloat32> normalized(XlaChain c, Operand<TFloat32> x, double eps) {
    Operand<TFloat32> centered = c.sub(x, c.mean(x, -1));
    return c.mul(centered, rstd(c, centered, eps));
  }

  private static Operand<TFloat32> rstd(XlaChain c, Operand<TFloat32> centered, double eps) {
    return c.rsqrt(c.add(c.mean(c.square(centered), -1), eps));
  }

  @SuppressWarnings("unchecked")
  private static List<Operand<?>> backward(
      Ops tf, Output<?> dyOut, List<Output<?>> inputs, double eps) {
    Operand<TFloat32> x = (Output<TFloat32>) inputs.get(0);
    Operand<TFloat32> w = (Output<TFloat32>) inputs.get(1);
    Operand<TFloat32> dy = (Output<TFloat32>) dyOut;
    XlaChain c = XlaChain.open(tf, "layer_norm_grad");
    Operand<TFloat32> centered = c.sub(x, c.mean(x, -1));
    Operand<TFloat32> rstd = rstd(c, centered, eps);
    Operand<TFloat32> xHat = c.mul(centered, rstd);
    Operand<TFloat32> g = c.mul(dy, w);
    Operand<TFloat32> dx =
        c.mul(rstd, c.sub(c.sub(g, c.mean(g, -1)), c.mul(xHat, c.mean(c.mul(g, xHat), -1))));
    return List.of(dx, c.sum(c.mul(dy, xHat), 0), c.sum(dy, 0));
  }
}
