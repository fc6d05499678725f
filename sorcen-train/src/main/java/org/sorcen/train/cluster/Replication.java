package org.sorcen.train.cluster;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.sorcen.graph.nn.CrossReplica;
import org.sorcen.graph.train.TrainingGraph;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/**
 * How a training session takes part in its run: alone ({@link SingleProcess}) or as one worker of a
 * data-parallel run ({@link DataParallel}). The session asks this seam, never the cluster's parts,
 * so that servers, the gRPC session, the watchdog, the start-up agreement and the stop votes stay in
 * this package. Used in this order: {@link #replicas} while the graph is built, {@link #build} once
 * it is, {@link #open}, then {@link #join} (data-parallel) and {@link #step} for every step.
 */
public interface Replication {
  /** One process when {@code workers} is null, else worker {@code workers.spec().taskIndex()}. */
  static Replication of(Workers workers) {
    return workers == null ? new SingleProcess() : new DataParallel(workers);
  }

  /** How the training graph's collectives span the workers. */
  CrossReplica replicas();

  /** Adds what the cluster runs besides the steps (start-up agreement, state sync) to the graph. */
  void build(Ops tf, TrainingGraph training);

  /**
   * The session on {@code graph}: in this process, or through this worker's server, which starts
   * here and lives until the JVM exits. The caller initialises and closes it.
   */
  Session open(Graph graph, ConfigProto settings);

  /**
   * Start-up of a worker, run by every worker in this order: refuse peers that run another job, then
   * take the chief's variables (restored or initialised by the chief before this call).
   */
  void join(List<Agreement.Item> mustAgree);

  /**
   * Data-parallel: every step votes {@code requested} (e.g. a SIGTERM to this worker) into the
   * step's all-reduce, and {@link #stopAgreed} then says whether any worker voted; every worker sees
   * the same answer after the same step. One process: {@link #stopAgreed} is {@code requested}.
   */
  void voteStop(BooleanSupplier requested);

  /** Whether the last step's vote asks every worker to stop after it (one process: the request now). */
  boolean stopAgreed();

  /** How many workers voted to stop in the last step (data-parallel only; else 0). */
  long stopVotes();

  /**
   * Runs a training step ({@code runner} with its feeds, fetches and target) named {@code kind}:
   * data-parallel, with this worker's stop vote fed and the sum fetched last, under the watchdog, a
   * failed collective reported as a {@link ClusterFailure}. End of data passes through unchanged.
   */
  Result step(String kind, Session.Runner runner);
}
