package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A dropout mask, 1/(1−p) where kept and 0 where dropped, drawn by hashing counters in one XLA
 * kernel with the comparison, cast and scaling that follow. TensorFlow's stateless Philox kernel
 * and the ops after it took 5.8–6.5 ms for the mask and product of one [4, 12, 257, 257] attention
 * tensor on 2 cores; this kernel, SplitMix64 over counters, which XLA vectorizes, 1.7 ms. The ViT-B
 * bfloat16 step is 4.3% faster with it, sorcen-tiny's 17% (results/performance.md).
 *
 * <p>Element e of global row R is kept where the top 16 bits of {@code fmix64(base + (R·n + e)·γ)}
 * (n elements a row; SplitMix64's output at its state R·n + e steps from {@code base}, with {@code
 * base = fmix64(key + step·σ)} for the use's key and the global step) are at least p·2¹⁶, rounded.
 * Rows are global, so worker w of W computes rows w·b … (w+1)·b − 1 of what one process would draw,
 * without exchanging anything. {@link #keep} computes the same draws in Java.
 */
final class HashedDropMask {
  private HashedDropMask() {}

  /**
   * @param x the tensor to drop from, [b, ...] with static non-batch axes
   * @param key this use's key
   * @param step the global step (int64 scalar)
   * @param replica this worker's index (0 in one process)
   */
  static Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> x, long key, Operand<TInt64> step, int replica, double rate) {
    Shape shape = x.shape();
    long perRow = RandomStream.perRow(shape);
    XlaChain c = XlaChain.open(tf, "drop_mask");
    SplitMix64.Int64Ops o = SplitMix64.Int64Ops.of(c);
    // Shapes are static inside an XLA kernel, so the row count is read from x there.
    Operand<TInt64> dims = c.raw("Shape", b -> b.setAttr("out_type", DataType.DT_INT64), x);
    Operand<TInt64> rows =
        c.raw(
            "Reshape",
            b -> {},
            c.raw("Slice", b -> {}, dims, c.constant(new int[] {0}), c.constant(new int[] {1})),
            c.constant(new int[] {}));
    Operand<TInt64> first = c.raw("Mul", b -> {}, rows, c.constant((long) replica));
    Operand<TInt64> rowIds =
        c.raw("Range", b -> {}, first, c.raw("AddV2", b -> {}, first, rows), c.constant(1L));
    Operand<TInt64> columns =
        c.raw("Range", b -> {}, c.constant(0L), c.constant(perRow), c.constant(1L));
    Operand<TInt64> counters =
        o.add(
            o.mul(c.raw("ExpandDims", b -> {}, rowIds, c.constant(new int[] {1})), perRow),
            c.raw("ExpandDims", b -> {}, columns, c.constant(new int[] {0})));
    Operand<TInt64> base =
        SplitMix64.fmix(o, o.add(c.constant(key), o.mul(step, SplitMix64.STREAM)));
    // the top 16 bits of each element's hash
    Operand<TInt64> draws =
        SplitMix64.shiftRightLogical(
            o, SplitMix64.fmix(o, o.add(base, o.mul(counters, SplitMix64.GOLDEN))), 48);
    Operand<TBool> kept =
        c.raw("GreaterEqual", b -> {}, draws, c.constant((long) RandomStream.dropThreshold(rate)));
    Operand<TFloat32> keep = c.raw("Cast", b -> b.setAttr("DstT", DataType.DT_FLOAT), kept);
    int[] target = new int[shape.numDimensions()];
    target[0] = -1;
    for (int i = 1; i < target.length; i++) {
      target[i] = (int) shape.get(i);
    }
    keep = c.raw("Reshape", b -> {}, keep, c.constant(target));
    return c.mul(keep, (float) (1.0 / (1.0 - rate)));
  }

  /** Whether element {@code e} of global row {@code row} is kept: the kernel's draw, in Java. */
  static boolean keep(long key, long step, long row, long perRow, long e, double rate) {
    long base = SplitMix64.fmix(key + step * SplitMix64.STREAM);
    return (SplitMix64.fmix(base + (row * perRow + e) * SplitMix64.GOLDEN) >>> 48)
        >= RandomStream.dropThreshold(rate);
  }
}
