package org.sorcen.graph.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.types.family.TType;

/**
 * A hand-written gradient for a sub-graph. {@code Graph.addGradients} differentiates op by op with
 * TensorFlow's C++ gradients, whose ops cannot carry attributes; a chain whose backward should be
 * one XLA kernel needs its own gradient instead. The forward result enters the graph through an
 * {@code IdentityN} [stopGradient(result), inputs...] tagged with {@code _sorcen_gradient}: the
 * only op type TensorFlow ships without a gradient that passes tensors through unchanged, so a Java
 * gradient can be registered for it (once per process) and dispatches on the tag.
 */
final class GradientHook {
  /** The gradient of one tagged sub-graph: d(result) and the inputs in, one d(input) per input out. */
  interface Backward {
    List<Operand<?>> apply(Ops tf, Output<?> dResult, List<Output<?>> inputs);
  }

  private static final String TAG = "_sorcen_gradient";
  private static final Map<String, Backward> BACKWARDS = new ConcurrentHashMap<>();
  private static volatile boolean registered;

  private GradientHook() {}

  /**
   * {@code result} as seen by the graph, differentiated w.r.t. {@code inputs} by {@code backward}
   * (registered under {@code kind}, which names what the sub-graph computes).
   */
  @SuppressWarnings("unchecked")
  static <T extends TType> Operand<T> attach(
      Ops tf, String kind, Backward backward, Operand<T> result, List<Operand<?>> inputs) {
    register(kind, backward);
    Scope scope = tf.scope();
    OperationBuilder b = scope.env().opBuilder("IdentityN", scope.makeOpName(kind), scope);
    Output<?>[] list = new Output<?>[inputs.size() + 1];
    list[0] = tf.stopGradient(result).asOutput();
    for (int i = 0; i < inputs.size(); i++) {
      list[i + 1] = inputs.get(i).asOutput();
    }
    b.addInputList(list);
    b.setAttr(TAG, kind);
    Output<?> out = b.build().output(0);
    return (Output<T>) out;
  }

  private static synchronized void register(String kind, Backward backward) {
    BACKWARDS.putIfAbsent(kind, backward);
    if (registered) {
      return;
    }
    boolean ok = TensorFlow.registerCustomGradient("IdentityN", GradientHook::gradient);
    if (!ok) {
      throw new IllegalStateException(
          "IdentityN already has a gradient in this process: the hand-written gradients need it");
    }
    registered = true;
  }

  private static List<Operand<?>> gradient(Ops tf, GraphOperation op, List<Output<?>> dOutputs) {
    String kind = op.attributes().getAttrString(TAG);
    Backward backward = BACKWARDS.get(kind);
    if (backward == null) {
      throw new IllegalStateException("no gradient registered for IdentityN tagged " + kind);
    }
    List<Output<?>> inputs = new ArrayList<>();
    for (int i = 1; i < op.numInputs(); i++) {
      inputs.add(op.input(i));
    }
    List<Operand<?>> dInputs = backward.apply(tf, dOutputs.get(0), inputs);
    List<Operand<?>> all = new ArrayList<>();
    all.add(tf.zerosLike(op.input(0)));
    all.addAll(dInputs);
    return all;
  }
}
