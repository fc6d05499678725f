package org.sorcen.train.cluster;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.sorcen.graph.nn.CrossReplica;
import org.sorcen.graph.train.TrainingGraph;
import org.tensorflow.Graph;
import org.tensorflow.GrpcSessions;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * One worker of a data-parallel run: every worker builds the same graph, feeds or reads the same
 * global batches and must run every step. This worker's server and gRPC session, the start-up
 * agreement and state sync, the stop vote of every step, and the {@link Watchdog} over every run
 * that waits on the peers.
 */
final class DataParallel implements Replication {
  private final Workers workers;
  private final CrossReplica replicas;

  /** Set by {@link #build}. */
  private Op syncFromChief;

  private Agreement agreement;
  private Operand<TFloat32> stopVote;
  private Operand<TFloat32> stopVoteSum;

  /** Set by {@link #open}; the watchdog is null without a {@link Workers#onLost} handler. */
  private Session session;

  private Watchdog watchdog;

  /** This worker's stop request, voted on in every step; and how many workers voted in the last step. */
  private BooleanSupplier stopRequested = () -> false;

  private long stopVotes;

  DataParallel(Workers workers) {
    this.workers = workers;
    this.replicas = CrossReplica.worker(workers.spec().size(), workers.spec().taskIndex());
  }

  @Override
  public CrossReplica replicas() {
    return replicas;
  }

  @Override
  public void build(Ops tf, TrainingGraph training) {
    syncFromChief = StateSync.build(tf, replicas, training.variables());
    agreement = Agreement.build(tf, replicas);
    stopVote = training.stopVote();
    stopVoteSum = training.stopVotes();
  }

  /** The watchdog only acts while a run it guards is in flight, so it may start before any. */
  @Override
  public Session open(Graph graph, ConfigProto settings) {
    ConfigProto cfg = WorkerServer.sessionConfig(settings, workers.spec());
    WorkerServer.start(workers.spec(), cfg);
    session = GrpcSessions.open(graph, "grpc://localhost:" + workers.spec().port(), cfg);
    watchdog = Watchdog.start(workers);
    return session;
  }

  @Override
  public void join(List<Agreement.Item> mustAgree) {
    if (!workers.isChief()) {
      Peers.awaitChief(workers.spec(), workers.timeoutSeconds());
    }
    try {
      guarded(
          "start-up",
          true,
          () -> {
            agreement.check(session, mustAgree);
            session.runner().addTarget(syncFromChief).run();
            return null;
          });
    } catch (TensorFlowException e) {
      throw lost(e, true);
    }
  }

  @Override
  public void voteStop(BooleanSupplier requested) {
    this.stopRequested = requested;
  }

  @Override
  public boolean stopAgreed() {
    return stopVotes > 0;
  }

  @Override
  public long stopVotes() {
    return stopVotes;
  }

  @Override
  public Result step(String kind, Session.Runner runner) {
    try (TFloat32 vote = TFloat32.scalarOf(stopRequested.getAsBoolean() ? 1f : 0f)) {
      runner.feed(stopVote, vote).fetch(stopVoteSum);
      Result r = guarded(kind, false, runner::run);
      stopVotes = Math.round(((TFloat32) r.get(r.size() - 1)).getFloat());
      return r;
    } catch (TFOutOfRangeException endOfData) {
      throw endOfData;
    } catch (TensorFlowException e) {
      throw lost(e, false);
    }
  }

  /** A session run that waits on the peers, watched when there is a watchdog. */
  private <T> T guarded(String kind, boolean startup, Supplier<T> run) {
    return watchdog == null ? run.get() : watchdog.guard(kind, startup, run);
  }

  /**
   * A failed collective run of a worker, named. Mid-run, with an {@link Workers#onLost} handler (the
   * CLI), it is reported there and the JVM ends at once: the session's collectives are poisoned, and
   * closing it or the JVM's normal exit would run TensorFlow's teardown with peers gone and servers
   * that cannot stop. A start-up failure takes the normal way out: the chief, as the group's leader,
   * must live long enough to send the other workers the reason (a group of another size).
   */
  private RuntimeException lost(TensorFlowException e, boolean startup) {
    RuntimeException failure = ClusterFailure.of(workers.spec(), e, startup);
    if (!startup && workers.onLost() != null) {
      workers.onLost().accept(failure);
    }
    return failure;
  }
}
