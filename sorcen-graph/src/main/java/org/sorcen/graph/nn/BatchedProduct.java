package org.sorcen.graph.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.types.family.TType;

/**
 * Batched matrix products {@code a·b} and {@code a·bᵀ} over the leading axes ([b, m, k]) as
 * TensorFlow's {@code BatchMatMulV2}, forward and backward. TF Java's {@code batchMatMul} emits
 * {@code BatchMatMulV3}, which TensorFlow's oneDNN layout pass leaves on Eigen's kernel, and the
 * C++ gradient of either version emits V3 again. At attention shapes ([48, 257, 64]·[48, 64, 257]
 * and [48, 257, 257]·[48, 257, 64]) V3 ran at 45–66 GFLOP/s in float32 and 41–57 in bfloat16 on 2
 * cores, V2 (rewritten to {@code _MklBatchMatMulV2}) at 146–186 and 298–360
 * (results/performance.md). So the backward is given here too, as V2 products. Rank 3 rather than
 * [B, H, N, dh]: V2 on the rank-4 layout was slower at N = 257 (119 against 146 GFLOP/s).
 */
final class BatchedProduct {
  private BatchedProduct() {}

  /** {@code a·b}, or {@code a·bᵀ} when {@code transposeB}, per leading index. */
  static <T extends TType> Operand<T> apply(
      Ops tf, Operand<T> a, Operand<T> b, boolean transposeB) {
    Operand<T> c = v2(tf, a, b, false, transposeB);
    return transposeB
        ? GradientHook.attach(
            tf, "batched_product_nt", BatchedProduct::backwardNt, c, List.of(a, b))
        : GradientHook.attach(
            tf, "batched_product_nn", BatchedProduct::backwardNn, c, List.of(a, b));
  }

  /** c = a·bᵀ: da = dc·b, db = dcᵀ·a. */
  private static List<Operand<?>> backwardNt(Ops tf, Output<?> dc, List<Output<?>> inputs) {
    return List.of(v2(tf, dc, inputs.get(1), false, false), v2(tf, dc, inputs.get(0), true, false));
  }

  /** c = a·b: da = dc·bᵀ, db = aᵀ·dc. */
  private static List<Operand<?>> backwardNn(Ops tf, Output<?> dc, List<Output<?>> inputs) {
    return List.of(v2(tf, dc, inputs.get(1), false, true), v2(tf, inputs.get(0), dc, true, false));
  }

  @SuppressWarnings("unchecked")
  private static <T extends TType> Output<T> v2(
      Ops tf, Operand<?> a, Operand<?> b, boolean adjointA, boolean adjointB) {
    Scope scope = tf.scope();
    OperationBuilder op =
        scope.env().opBuilder("BatchMatMulV2", scope.makeOpName("BatchMatMulV2"), scope);
    op.addInput(a.asOutput());
    op.addInput(b.asOutput());
    op.setAttr("adj_x", adjointA);
    op.setAttr("adj_y", adjointB);
    return (Output<T>) op.build().output(0);
  }
}
