package org.sorcen.graph.nn;

import java.util.function.Consumer;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * A chain of element-wise ops (float32, or int64 for {@link HashedDropMask}) that XLA compiles into one kernel. Each op carries {@code
 * _XlaCompile=true} and this chain's own {@code _XlaScope}, which makes TensorFlow's
 * mark-for-compilation pass cluster exactly these ops even with auto-clustering off (whole-graph
 * auto-clustering is slower than none for the training step; a chain alone is 2–3× faster). The
 * ops are built through the raw builder because the Ops API cannot set attributes.
 */
final class XlaChain {
  private final Ops tf;
  private final Scope scope;
  private final String xlaScope;

  private XlaChain(Ops tf, String name) {
    this.tf = tf;
    this.scope = tf.scope();
    this.xlaScope = scope.makeUnique("xla_" + name);
  }

  /** A new chain; ops of different chains are never fused with each other. */
  static XlaChain open(Ops tf, String name) {
    return new XlaChain(tf, name);
  }

  Operand<TFloat32> constant(double value) {
    return tf.constant((float) value);
  }

  Operand<TFloat32> sub(Operand<TFloat32> a, Operand<TFloat32> b) {
    return op("Sub", a, b);
  }

  Operand<TFloat32> rsqrt(Operand<TFloat32> a) {
    return op("Rsqrt", a);
  }

  /** Mean over {@code axis}, kept as a size-1 axis. */
  Operand<TFloat32> mean(Operand<TFloat32> a, int axis) {
    return reduce("Mean", a, axis, true);
  }

  /** Sum over {@code axis}, which is dropped. */
  Operand<TFloat32> sum(Operand<TFloat32> a, int axis) {
    return reduce("Sum", a, axis, false);
  }

  private Operand<TFloat32> reduce(String type, Operand<TFloat32> a, int axis, boolean keepDims) {
    return this.<TFloat32>build(type, b -> b.setAttr("keep_dims", keepDims), a, axisConstant(axis));
  }

  /** The reduction axis as a constant inside the cluster: XLA needs it at compile time. */
  private Operand<TInt32> axisConstant(int axis) {
    try (TInt32 value = TInt32.scalarOf(axis)) {
      return inside(value, DataType.DT_INT32);
    }
  }

  Operand<TFloat32> mul(Operand<TFloat32> a, Operand<TFloat32> b) {
    return op("Mul", a, b);
  }

  Operand<TFloat32> mul(Operand<TFloat32> a, double b) {
    return op("Mul", a, constant(b));
  }

  Operand<TFloat32> add(Operand<TFloat32> a, Operand<TFloat32> b) {
    return op("AddV2", a, b);
  }

  Operand<TFloat32> add(Operand<TFloat32> a, double b) {
    return op("AddV2", a, constant(b));
  }

  Operand<TFloat32> erf(Operand<TFloat32> a) {
    return op("Erf", a);
  }

  Operand<TFloat32> exp(Operand<TFloat32> a) {
    return op("Exp", a);
  }

  Operand<TFloat32> square(Operand<TFloat32> a) {
    return op("Square", a);
  }

  private Operand<TFloat32> op(String type, Operand<?>... inputs) {
    return build(type, b -> {}, inputs);
  }

  /** Any TensorFlow op of this chain, by type, with its attributes (for non-float chains). */
  <T extends TType> Operand<T> raw(
      String type, Consumer<OperationBuilder> attributes, Operand<?>... inputs) {
    return build(type, attributes, inputs);
  }

  /** An int64 constant inside the cluster. */
  Operand<TInt64> constant(long value) {
    try (TInt64 t = TInt64.scalarOf(value)) {
      return inside(t, DataType.DT_INT64);
    }
  }

  /** An int64 vector constant inside the cluster. */
  Operand<TInt64> constant(long[] value) {
    try (TInt64 t = TInt64.vectorOf(value)) {
      return inside(t, DataType.DT_INT64);
    }
  }

  /** An int32 vector constant inside the cluster (shapes, slice bounds, axes). */
  Operand<TInt32> constant(int[] value) {
    try (TInt32 t = TInt32.vectorOf(value)) {
      return inside(t, DataType.DT_INT32);
    }
  }

  @SuppressWarnings("unchecked")
  private <T extends TType> Operand<T> inside(T value, DataType dtype) {
    ExecutionEnvironment env = scope.env();
    OperationBuilder b = env.opBuilder("Const", scope.makeOpName("const"), scope);
    b.setAttr("value", value);
    b.setAttr("dtype", dtype);
    mark(b);
    Output<?> out = b.build().output(0);
    return (Output<T>) out;
  }

  @SuppressWarnings("unchecked")
  private <T extends TType> Operand<T> build(
      String type, Consumer<OperationBuilder> attributes, Operand<?>... inputs) {
    ExecutionEnvironment env = scope.env();
    OperationBuilder b = env.opBuilder(type, scope.makeOpName(type), scope);
    for (Operand<?> in : inputs) {
      b.addInput(in.asOutput());
    }
    attributes.accept(b);
    mark(b);
    Output<?> out = b.build().output(0);
    return (Output<T>) out;
  }

  private void mark(OperationBuilder b) {
    b.setAttr("_XlaCompile", true);
    b.setAttr("_XlaScope", xlaScope);
  }
}
