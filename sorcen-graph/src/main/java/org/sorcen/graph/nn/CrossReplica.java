package org.sorcen.graph.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.collective.CollectiveGather;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The batch-coupling seam of data-parallel training: every graph-level place where one worker's rows
 * meet the other workers' (gathers for the batch-coupled losses and BatchNorm, all-reduces for
 * gradients and reported losses, per-global-row randomness). For one process it is the identity and
 * adds no op, so the single-process graph is unchanged; for W workers it builds TensorFlow's
 * collective ops (the between-graph replication of MultiWorkerMirrored).
 *
 * <p>Every worker builds the same graph, so the instance keys handed out here in build order are the
 * same on every worker: that is how the collectives of one step find each other.
 *
 * <p>The collectives have no timeout ({@code timeout_seconds} = 0): for every execution of a
 * collective with a timeout, TensorFlow starts a detached thread that sleeps for the whole timeout
 * ({@code PosixEnv::SchedClosureAfter}), so a worker gains threads with every step until it cannot
 * start any more. The caller bounds waits on peers itself (the training session's watchdog).
 */
public final class CrossReplica {
  /** All workers form one collective group. */
  static final int GROUP_KEY = 1;

  /** No per-op timeout: see the class comment. */
  static final float NO_TIMEOUT = 0f;

  private final int count;
  private final int index;
  private int nextInstance;

  private CrossReplica(int count, int index, int firstInstance) {
    this.count = count;
    this.index = index;
    this.nextInstance = firstInstance;
  }

  /** One process: nothing to exchange. */
  public static CrossReplica single() {
    return new CrossReplica(1, 0, 1);
  }

  /**
   * Worker {@code index} of {@code count}. Its collectives wait for the peers without end: the
   * caller must bound the session runs that contain them.
   */
  public static CrossReplica worker(int count, int index) {
    return worker(count, index, 1);
  }

  /**
   * A worker whose collectives take instance keys from {@code firstInstance} on: for a second graph
   * in the same servers (a benchmark), whose keys must not meet the training graph's.
   */
  public static CrossReplica worker(int count, int index, int firstInstance) {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("worker " + index + " of " + count);
    }
    return new CrossReplica(count, index, firstInstance);
  }

  public boolean isSingle() {
    return count == 1;
  }

  public int count() {
    return count;
  }

  public int index() {
    return index;
  }

  /** [W·b, ...] every worker's rows in worker order, without a gradient (the collective has none). */
  public <T extends TNumber> Operand<T> gatherRows(Ops tf, Operand<T> rows) {
    if (isSingle()) {
      return rows;
    }
    return tf.stopGradient(
        CollectiveGather.create(
            tf.scope(),
            rows,
            tf.constant(count),
            tf.constant(GROUP_KEY),
            tf.constant(nextInstance++),
            List.of(),
            CollectiveGather.timeoutSeconds(NO_TIMEOUT)));
  }

  /** This worker's rows [b, ...] of a global [W·b, ...] tensor: rows index·b .. (index+1)·b − 1. */
  public <T extends TType> Operand<T> ownRows(Ops tf, Operand<T> global) {
    if (isSingle()) {
      return global;
    }
    int rank = global.shape().numDimensions();
    Operand<TInt32> rows =
        tf.math.div(
            tf.slice(tf.shape(global), tf.constant(new int[] {0}), tf.constant(new int[] {1})),
            tf.constant(new int[] {count}));
    int[] zeros = new int[rank - 1];
    int[] all = new int[rank - 1];
    Arrays.fill(all, -1);
    Operand<TInt32> begin =
        tf.concat(
            List.of(tf.math.mul(rows, tf.constant(new int[] {index})), tf.constant(zeros)),
            tf.constant(0));
    Operand<TInt32> size = tf.concat(List.of(rows, tf.constant(all)), tf.constant(0));
    return tf.slice(global, begin, size);
  }

  /** The element-wise sum over workers (no gradient). */
  public <T extends TNumber> Operand<T> sum(Ops tf, Operand<T> x) {
    if (isSingle()) {
      return x;
    }
    Graph g = (Graph) tf.scope().env();
    int instance = nextInstance++;
    // The raw builder does not make names unique; the instance key does.
    Output<?> out =
        g.opBuilder("CollectiveReduceV2", "CollectiveReduceV2_" + instance, tf.scope())
            .addInput(x.asOutput())
            .addInput(tf.constant(count).asOutput())
            .addInput(tf.constant(GROUP_KEY).asOutput())
            .addInput(tf.constant(instance).asOutput())
            .addInputList(new Output<?>[0])
            .setAttr("merge_op", "Add")
            .setAttr("final_op", "Id")
            .setAttr("timeout_seconds", NO_TIMEOUT)
            .build()
            .output(0);
    @SuppressWarnings("unchecked")
    Operand<T> typed = (Operand<T>) out;
    return tf.stopGradient(typed);
  }

  /**
   * The global value of a loss that is a mean over rows when every worker's local mean has the same
   * weight (equal rows, equal counts): the mean of the workers' values.
   */
  public Operand<TFloat32> meanOverWorkers(Ops tf, Operand<TFloat32> local) {
    return isSingle() ? local : tf.math.div(sum(tf, local), tf.constant((float) count));
  }

  /**
   * This worker's share of a loss: its gradient, summed over workers, is the loss's gradient. For a
   * loss computed identically on every worker (from gathered rows) and for a local mean of equal
   * weight alike, that is the loss divided by W.
   */
  public Operand<TFloat32> share(Ops tf, Operand<TFloat32> loss) {
    return isSingle() ? loss : tf.math.div(loss, tf.constant((float) count));
  }

  /**
   * The objective whose gradient, summed over workers, is the exact gradient of a batch-coupled loss
   * computed on every worker from gathered rows: {@code L/W + Σ_k Σ stopGradient(∂L/∂gathered_k[own
   * rows]) · local_k}. The first term trains what acts on the gathered rows (heads, once per worker's
   * share), the second sends each worker the part of ∂L that falls on its own rows.
   *
   * @param locals this worker's differentiable rows that were gathered
   * @param gathered their {@link #gatherRows} results, in the same order
   */
  public Operand<TFloat32> coupledObjective(
      Ops tf,
      Operand<TFloat32> loss,
      List<Operand<TFloat32>> locals,
      List<Operand<TFloat32>> gathered) {
    if (isSingle()) {
      return loss;
    }
    Output<?>[] xs = gathered.stream().map(Operand::asOutput).toArray(Output[]::new);
    Output<?>[] dxs = ((Graph) tf.scope().env()).addGradients(loss.asOutput(), xs);
    List<Operand<TFloat32>> terms = new ArrayList<>();
    terms.add(share(tf, loss));
    for (int k = 0; k < locals.size(); k++) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> d = tf.stopGradient(ownRows(tf, (Operand<TFloat32>) dxs[k]));
      int rank = locals.get(k).shape().numDimensions();
      int[] axes = new int[rank];
      for (int a = 0; a < rank; a++) {
        axes[a] = a;
      }
      terms.add(tf.reduceSum(tf.math.mul(d, locals.get(k)), tf.constant(axes)));
    }
    return tf.math.addN(terms);
  }

  /**
   * Stateless uniform numbers for a [b, ...] local shape, drawn per global row: the global [W·b, ...]
   * draw that one process would make, of which this worker keeps its rows.
   */
  public Operand<TFloat32> uniformRows(Ops tf, Operand<TInt32> localShape, Operand<TInt64> seed) {
    if (isSingle()) {
      return tf.random.statelessRandomUniform(localShape, seed);
    }
    int rank = (int) localShape.shape().get(0);
    int[] scale = new int[rank];
    Arrays.fill(scale, 1);
    scale[0] = count;
    return ownRows(
        tf, tf.random.statelessRandomUniform(tf.math.mul(localShape, tf.constant(scale)), seed));
  }

  /** Stateless random int64 words for a [b, n] local shape, drawn per global row like {@link #uniformRows}. */
  public Operand<TInt64> randomWordRows(Ops tf, Operand<TInt32> localShape, Operand<TInt64> seed) {
    if (isSingle()) {
      return tf.random.statelessRandomUniformFullInt(localShape, seed, TInt64.class);
    }
    Operand<TInt32> global = tf.math.mul(localShape, tf.constant(new int[] {count, 1}));
    return ownRows(tf, tf.random.statelessRandomUniformFullInt(global, seed, TInt64.class));
  }

  /**
   * One stateless multinomial draw per row of [N, k] logits, made over every worker's rows together:
   * the sampler's stream depends on a row's place in the batch, so drawing on the gathered rows gives
   * each row what it would get in one process.
   */
  public Operand<TInt64> multinomialRows(Ops tf, Operand<TFloat32> logits, Operand<TInt64> seed) {
    Operand<TFloat32> all = gatherRows(tf, logits);
    return ownRows(tf, tf.random.statelessMultinomial(all, tf.constant(1), seed));
  }
}
