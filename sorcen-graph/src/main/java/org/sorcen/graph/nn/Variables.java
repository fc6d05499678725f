package org.sorcen.graph.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Every resource variable of a graph, by checkpoint name. Variables are resource variables (the
 * only kind XLA and hand-written optimizers handle well) with a shared name equal to their own
 * name: in TF Java an empty shared name would make all of them alias one resource.
 *
 * <p>Initial values are built in the init scope from static shapes only, because initializers run
 * together in no fixed order and must not read each other.
 */
public final class Variables {
  private final Ops tf;
  private final Map<String, ModelVariable> byName = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> reads = new LinkedHashMap<>();

  public Variables(Ops tf) {
    this.tf = tf;
  }

  public Ops ops() {
    return tf;
  }

  /** Creates a float32 variable whose initial value {@code init} builds from init-scope ops. */
  public ModelVariable create(
      String name, Shape shape, VariableRole role, Function<Ops, Operand<TFloat32>> init) {
    return create(name, shape, TFloat32.class, role, init);
  }

  public <T extends TType> ModelVariable create(
      String name, Shape shape, Class<T> type, VariableRole role, Function<Ops, Operand<T>> init) {
    if (byName.containsKey(name)) {
      throw new IllegalStateException("variable '" + name + "' defined twice");
    }
    String opName = opName(name);
    VarHandleOp handle =
        tf.withName(opName).varHandleOp(type, shape, VarHandleOp.sharedName(opName));
    Ops initScope = tf.withInitScope();
    initScope.assignVariableOp(handle, init.apply(initScope));
    ModelVariable v = new ModelVariable(name, handle, shape, type, role);
    byName.put(name, v);
    return v;
  }

  /**
   * The shared read of a float variable used by the forward pass. One read per variable keeps the
   * graph small; gradients are taken with respect to these reads.
   */
  public Operand<TFloat32> read(String name) {
    return reads.computeIfAbsent(name, n -> get(n).read(tf));
  }

  public ModelVariable get(String name) {
    ModelVariable v = byName.get(name);
    if (v == null) {
      throw new IllegalStateException(
          "no variable named '" + name + "'"); // a bug, not a user error
    }
    return v;
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  public List<ModelVariable> all() {
    return Collections.unmodifiableList(new ArrayList<>(byName.values()));
  }

  public List<ModelVariable> withRole(VariableRole role) {
    return byName.values().stream().filter(v -> v.role() == role).toList();
  }

  /** Op names allow [A-Za-z0-9_.-] but no '/'; official names already fit, others are mapped. */
  static String opName(String name) {
    return name.replaceAll("[^A-Za-z0-9_.\\-]", "_");
  }
}
