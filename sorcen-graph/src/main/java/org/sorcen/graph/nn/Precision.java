package org.sorcen.graph.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * The single compute-dtype switch. Weights, norms, softmax, attention products and losses stay
 * float32; only the weight matrix products and convolutions (where nearly all the FLOPs are) run in bfloat16 when asked, which is about twice
 * as fast as float32 on CPUs with avx512_bf16 (measured on chained matmuls; the gain depends on the CPU).
 */
public final class Precision {
  private final boolean bfloat16;

  private Precision(boolean bfloat16) {
    this.bfloat16 = bfloat16;
  }

  public static Precision of(String computeDtype) {
    return switch (computeDtype) {
      case "float32" -> new Precision(false);
      case "bfloat16" -> new Precision(true);
      default -> throw new IllegalArgumentException("unknown compute dtype " + computeDtype);
    };
  }

  public boolean isBfloat16() {
    return bfloat16;
  }

  /** a·bᵀ for 2-D operands (b is a PyTorch-layout out×in weight). */
  public Operand<TFloat32> matMulTransposeB(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    if (!bfloat16) {
      return tf.linalg.matMul(a, b, MatMul.transposeB(true));
    }
    Operand<TBfloat16> r =
        tf.linalg.matMul(
            tf.dtypes.cast(a, TBfloat16.class),
            tf.dtypes.cast(b, TBfloat16.class),
            MatMul.transposeB(true));
    return tf.dtypes.cast(r, TFloat32.class);
  }

  /**
   * Batched a·b (the attention products), optionally with b transposed in its last two axes:
   * float32 in both precisions. TensorFlow's bfloat16 BatchMatMul at attention shapes ([48, 257,
   * 64] and [64, 257, 48] per operand) ran at 50–80 GFLOP/s on this CPU against 100–110 in float32
   * (results/performance.md), so casting to bfloat16 there only adds the casts.
   */
  public Operand<TFloat32> batchMatMul(
      Ops tf, Operand<TFloat32> a, Operand<TFloat32> b, boolean adjointB) {
    return tf.train.batchMatMul(a, b, TFloat32.class, BatchMatMul.adjY(adjointB));
  }

  /**
   * Conv2D (NHWC input, HWIO kernel, stride 1). In bfloat16 only the convolution itself is: the
   * element-wise ops around it are slower in bfloat16 than in float32 on this CPU.
   */
  public Operand<TFloat32> conv2d(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> kernel, String padding) {
    List<Long> strides = List.of(1L, 1L, 1L, 1L);
    if (!bfloat16) {
      return tf.nn.conv2d(x, kernel, strides, padding);
    }
    Operand<TBfloat16> r =
        tf.nn.conv2d(
            tf.dtypes.cast(x, TBfloat16.class),
            tf.dtypes.cast(kernel, TBfloat16.class),
            strides,
            padding);
    return tf.dtypes.cast(r, TFloat32.class);
  }
}
