package org.sorcen.graph.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * The single compute-dtype switch. Weights, norms, softmax and losses stay float32; the matrix
 * products (weights and attention) and convolutions, where nearly all the FLOPs are, run in
 * bfloat16 when asked, about twice as fast as float32 on CPUs with avx512_bf16 and more with AMX
 * (measured on chained matmuls; the gain depends on the CPU).
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
   * Batched a·b over the leading axes (the attention products), optionally with b transposed in its
   * last two axes, on oneDNN's kernel ({@link BatchedProduct}); in bfloat16 when asked, as
   * PyTorch's CPU autocast does. With the products on oneDNN, bfloat16 there cut the ViT-B step by
   * 4% against float32 products on them (results/performance.md); on the Eigen kernel TF Java's own
   * BatchMatMulV3 runs on, bfloat16 had been slower than float32.
   */
  public Operand<TFloat32> batchMatMul(
      Ops tf, Operand<TFloat32> a, Operand<TFloat32> b, boolean adjointB) {
    if (!bfloat16) {
      return BatchedProduct.apply(tf, a, b, adjointB);
    }
    Operand<TBfloat16> r =
        BatchedProduct.apply(
            tf, tf.dtypes.cast(a, TBfloat16.class), tf.dtypes.cast(b, TBfloat16.class), adjointB);
    return tf.dtypes.cast(r, TFloat32.class);
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
