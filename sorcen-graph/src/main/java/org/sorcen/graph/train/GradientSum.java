package org.sorcen.graph.train;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.nn.CrossReplica;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The data-parallel gradient: every worker's gradients summed, as one all-reduce of one flat vector
 * (one collective per step rather than one per variable). Each worker differentiates its share of
 * the objective, so the sum is the global batch's gradient.
 */
final class GradientSum {
  private GradientSum() {}

  /** @param reads the variable reads the gradients belong to (their static shapes). */
  static List<Operand<TFloat32>> over(Ops tf, CrossReplica replicas, List<Operand<TFloat32>> grads,
      List<Operand<TFloat32>> reads) {
    if (replicas.isSingle()) {
      return grads;
    }
    List<Operand<TFloat32>> flat = new ArrayList<>();
    long[] sizes = new long[grads.size()];
    for (int i = 0; i < grads.size(); i++) {
      flat.add(tf.reshape(grads.get(i), tf.constant(new long[] {-1})));
      sizes[i] = reads.get(i).shape().size();
    }
    Operand<TFloat32> summed = replicas.sum(tf, flat.size() == 1 ? flat.get(0) : tf.concat(flat, tf.constant(0)));
    List<Operand<TFloat32>> out = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < grads.size(); i++) {
      Operand<TFloat32> part = tf.slice(summed, tf.constant(new long[] {offset}), tf.constant(new long[] {sizes[i]}));
      out.add(tf.reshape(part, tf.constant(reads.get(i).shape().asArray())));
      offset += sizes[i];
    }
    return out;
  }
}
