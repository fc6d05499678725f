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
 * the objective, so the sum is the global batch's gradient. The vector carries one more float, each
 * worker's stop vote (0 or 1), so that the workers agree on a stop at no extra round trip.
 */
final class GradientSum {
  private GradientSum() {}

  /** The summed gradients and the sum of the workers' stop votes (null for one process). */
  record Summed(List<Operand<TFloat32>> grads, Operand<TFloat32> stopVotes) {}

  /**
   * @param reads the variable reads the gradients belong to (their static shapes)
   * @param stopVote this worker's vote, a float scalar (ignored for one process)
   */
  static Summed over(
      Ops tf,
      CrossReplica replicas,
      List<Operand<TFloat32>> grads,
      List<Operand<TFloat32>> reads,
      Operand<TFloat32> stopVote) {
    if (replicas.isSingle()) {
      return new Summed(grads, null);
    }
    List<Operand<TFloat32>> flat = new ArrayList<>();
    long[] sizes = new long[grads.size()];
    for (int i = 0; i < grads.size(); i++) {
      flat.add(tf.reshape(grads.get(i), tf.constant(new long[] {-1})));
      sizes[i] = reads.get(i).shape().size();
    }
    flat.add(tf.reshape(stopVote, tf.constant(new long[] {1})));
    Operand<TFloat32> summed = replicas.sum(tf, tf.concat(flat, tf.constant(0)));
    List<Operand<TFloat32>> out = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < grads.size(); i++) {
      Operand<TFloat32> part =
          tf.slice(summed, tf.constant(new long[] {offset}), tf.constant(new long[] {sizes[i]}));
      out.add(tf.reshape(part, tf.constant(reads.get(i).shape().asArray())));
      offset += sizes[i];
    }
    // The vote sits after the last gradient.
    Operand<TFloat32> votes =
        tf.reshape(
            tf.slice(summed, tf.constant(new long[] {offset}), tf.constant(new long[] {1})),
            tf.constant(new long[0]));
    return new Summed(out, votes);
  }
}
