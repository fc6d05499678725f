package org.sorcen.graph.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Seeds for stateless random ops. Each call to {@link #next()} gives a new [2] seed made of a
 * per-use key (derived from the run seed and the order in which the graph asks for randomness) and
 * the global step. So the same run seed gives the same run, and a resumed run draws exactly what an
 * uninterrupted one would have drawn at that step.
 */
public final class RandomStream {
  private final Operand<TInt64> step;
  private final long seed;
  private final CrossReplica replicas;
  private long uses;

  public RandomStream(Operand<TInt64> step, long seed) {
    this(step, seed, CrossReplica.single());
  }

  /** With W workers, per-row draws are made per global row (see {@link CrossReplica#uniformRows}). */
  public RandomStream(Operand<TInt64> step, long seed, CrossReplica replicas) {
    this.step = step;
    this.seed = seed;
    this.replicas = replicas;
  }

  public Operand<TInt64> next(Ops tf) {
    long key = mix(seed * 0x9E3779B97F4A7C15L + (++uses));
    return tf.stack(List.of(tf.constant(key), step));
  }

  /** Uniform [0, 1) numbers of a [b, ...] shape whose first axis is the batch, drawn per global row. */
  public Operand<TFloat32> uniformRows(Ops tf, Operand<TInt32> shape) {
    return replicas.uniformRows(tf, shape, next(tf));
  }

  /** One draw per row of [N, k] logits whose rows are batch-major, per global row. */
  public Operand<TInt64> multinomialRows(Ops tf, Operand<TFloat32> logits) {
    return replicas.multinomialRows(tf, logits, next(tf));
  }

  /** SplitMix64 finaliser: neighbouring keys give unrelated streams. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
