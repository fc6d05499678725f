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

/** A run in one process: no server, no peers to wait on; a stop request is its own agreement. */
final class SingleProcess implements Replication {
  private BooleanSupplier stopRequested = () -> false;

  @Override
  public CrossReplica replicas() {
    return CrossReplica.single();
  }

  @Override
  public void build(Ops tf, TrainingGraph training) {}

  @Override
  public Session open(Graph graph, ConfigProto settings) {
    return new Session(graph, settings);
  }

  @Override
  public void join(List<Agreement.Item> mustAgree) {
    throw new IllegalStateException("a session of one process has no cluster to join");
  }

  @Override
  public void voteStop(BooleanSupplier requested) {
    this.stopRequested = requested;
  }

  @Override
  public boolean stopAgreed() {
    return stopRequested.getAsBoolean();
  }

  @Override
  public long stopVotes() {
    return 0;
  }

  @Override
  public Result step(String kind, Session.Runner runner) {
    return runner.run();
  }
}
