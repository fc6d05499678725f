package org.sorcen.train.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.CrossReplica;
import org.sorcen.train.cluster.Agreement;
import org.sorcen.train.cluster.ClusterSpec;
import org.sorcen.train.cluster.WorkerServer;
import org.sorcen.train.cluster.Workers;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.session.BatchInput;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.GrpcSessions;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One worker process of {@code ./sorcen bench-cluster}: times training steps on a constant global
 * batch, then a graph holding only the all-reduce of a vector as long as the training graph's
 * largest one (the gradients), and counts the bytes its collectives move. The chief prints one
 * JSON line; every worker must run, as in training.
 *
 * <p>Arguments: config JSON file, comma-separated loopback addresses (one: no cluster), task index,
 * warm-up steps, timed steps.
 */
public final class ClusterBenchWorker {
  /** Instance keys of the all-reduce-only graph: far above any training graph's. */
  static final int BENCH_INSTANCE_KEYS = 1_000_000;

  /** Seconds a worker waits for a peer before its watchdog ends it: JVM start-up on a loaded host included. */
  static final double TIMEOUT_SECONDS = 300;

  /** Bytes of a float32 or int64 element at most; the collectives here move float32. */
  static final int FLOAT_BYTES = 4;

  private ClusterBenchWorker() {}

  /** A peer gone: one line, and the JVM ends (its server cannot stop; the parent reports the exit code). */
  private static void lost(RuntimeException e) {
    System.err.println("error: " + e.getMessage());
    System.err.flush();
    Runtime.getRuntime().halt(1);
  }

  public static void main(String[] args) throws Exception {
    SorcenConfig config = JobConfig.parse(Files.readString(Path.of(args[0])), "bench", Map.of());
    List<String> addresses = List.of(args[1].split(","));
    int task = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    int steps = Integer.parseInt(args[4]);
    int w = addresses.size();
    Workers workers =
        w == 1
            ? null
            : new Workers(
                new ClusterSpec(addresses, task), TIMEOUT_SECONDS, ClusterBenchWorker::lost);
    int batch = config.train.batchSize;
    long[] ids = new long[batch * config.model.seqLen()];
    long[] labels = new long[batch];
    Random random = new Random(config.train.seed);
    Arrays.setAll(ids, i -> random.nextInt(config.model.codebookSize));
    Arrays.setAll(
        labels, i -> config.model.numClasses > 0 ? random.nextInt(config.model.numClasses) : -1);
    boolean withLabels = config.model.numClasses > 0;
    ObjectNode out = new ObjectMapper().createObjectNode();
    out.put("workers", w);
    SessionSettings settings = SessionSettings.defaults();
    try (TrainingSession session =
        TrainingSession.create(config, new BatchInput.Fed(withLabels), 1000, settings, workers)) {
      if (workers != null) {
        session.cluster().join(List.of(new Agreement.Item("worker count", w)));
      }
      double[] ms = new double[steps];
      for (int i = 0; i < warmup + steps; i++) {
        long t0 = System.nanoTime();
        session.step(ids, withLabels ? labels : null);
        if (i >= warmup) {
          ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
        }
      }
      out.put("step_ms", median(ms));
      long[] elements = collectiveElements(graphOf(session), batch / w);
      out.put("allreduce_elements", elements[0]);
      out.put("largest_allreduce_elements", elements[1]);
      out.put("gather_elements", elements[2]);
      // Ring all-reduce: each worker sends and receives 2(W-1)/W of the vector; gather: the W-1
      // others' rows.
      out.put(
          "bytes_per_step",
          FLOAT_BYTES * (elements[0] * 2.0 * (w - 1) / w + elements[2] * (w - 1.0)));
      out.put(
          "allreduce_ms",
          workers == null ? 0 : allReduceMs(workers, (int) elements[1], warmup, steps, settings));
    }
    if (task == 0) {
      System.out.println(out);
    }
    System.out.flush();
    Runtime.getRuntime()
        .halt(0); // a TensorFlow server cannot be stopped; only the JVM's exit ends it
  }

  private static Graph graphOf(TrainingSession session) {
    return (Graph) session.graph().variables().ops().scope().env();
  }

  /**
   * [elements all-reduced per step, of the largest all-reduce, gathered per worker per step] over
   * the graph's collectives; a gather's unknown batch dimension is this worker's rows.
   */
  static long[] collectiveElements(Graph g, int localRows) {
    long[] out = new long[3];
    for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      boolean reduce = op.type().startsWith("CollectiveReduce");
      boolean gather = op.type().startsWith("CollectiveGather");
      if (!reduce && !gather) {
        continue;
      }
      Shape s = op.input(0).shape();
      long n = 1;
      for (int d = 0; d < s.numDimensions(); d++) {
        n *= s.get(d) < 0 ? localRows : s.get(d);
      }
      if (reduce) {
        out[0] += n;
        out[1] = Math.max(out[1], n);
      } else {
        out[2] += n;
      }
    }
    return out;
  }

  /** The median time of one all-reduce of {@code length} floats, in its own graph and session on this server. */
  private static double allReduceMs(
      Workers workers, int length, int warmup, int runs, SessionSettings settings) {
    ClusterSpec spec = workers.spec();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      CrossReplica replicas =
          CrossReplica.worker(spec.size(), spec.taskIndex(), BENCH_INSTANCE_KEYS);
      Operand<TFloat32> summed =
          replicas.sum(tf, tf.fill(tf.constant(new int[] {length}), tf.constant(1f)));
      Operand<TFloat32> probe = tf.reduceSum(summed, tf.constant(0));
      try (Session s =
          GrpcSessions.open(
              g,
              "grpc://localhost:" + spec.port(),
              WorkerServer.sessionConfig(settings.toConfigProto(), spec))) {
        double[] ms = new double[runs];
        for (int i = 0; i < warmup + runs; i++) {
          long t0 = System.nanoTime();
          s.runner().fetch(probe).run().close();
          if (i >= warmup) {
            ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
          }
        }
        return median(ms);
      }
    }
  }

  private static double median(double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
