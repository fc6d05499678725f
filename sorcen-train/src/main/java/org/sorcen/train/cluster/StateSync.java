package org.sorcen.train.cluster;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.nn.CrossReplica;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Every variable set to the chief's value, in-graph: the chief contributes its values and the
 * others zeros to one sum all-reduce per dtype. Run once at start-up by every worker, after the
 * chief restored its checkpoint (or loaded weights), so that no worker needs the chief's files.
 */
public final class StateSync {
  private StateSync() {}

  public static Op build(Ops tf, CrossReplica replicas, Variables vars) {
    List<Op> assigns = new ArrayList<>();
    assigns.addAll(
        sync(
            tf,
            replicas,
            vars.all().stream().filter(v -> v.type() == TFloat32.class).toList(),
            TFloat32.class));
    assigns.addAll(
        sync(
            tf,
            replicas,
            vars.all().stream().filter(v -> v.type() == TInt64.class).toList(),
            TInt64.class));
    return tf.withControlDependencies(assigns).withName("sync_from_chief").noOp();
  }

  private static <T extends TNumber> List<Op> sync(
      Ops tf, CrossReplica replicas, List<ModelVariable> vars, Class<T> type) {
    if (vars.isEmpty()) {
      return List.of();
    }
    List<Operand<T>> flat = new ArrayList<>();
    for (ModelVariable v : vars) {
      Operand<T> read = v.read(tf);
      Operand<T> mine = replicas.index() == 0 ? read : tf.zerosLike(read);
      flat.add(tf.reshape(mine, tf.constant(new long[] {-1})));
    }
    Operand<T> summed =
        replicas.sum(tf, flat.size() == 1 ? flat.get(0) : tf.concat(flat, tf.constant(0)));
    List<Op> assigns = new ArrayList<>();
    long offset = 0;
    for (ModelVariable v : vars) {
      long n = v.shape().size();
      Operand<T> part =
          tf.reshape(
              tf.slice(summed, tf.constant(new long[] {offset}), tf.constant(new long[] {n})),
              tf.constant(v.shape().asArray()));
      assigns.add(tf.assignVariableOp(v.handle(), part));
      offset += n;
    }
    return assigns;
  }
}
