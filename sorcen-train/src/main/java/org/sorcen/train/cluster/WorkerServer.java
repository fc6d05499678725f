package org.sorcen.train.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.tensorflow.Server;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * This worker's TensorFlow gRPC server. TensorFlow listens on 0.0.0.0:PORT whatever host the
 * cluster names, and without authentication: workers belong on a trusted network. A server cannot
 * be stopped (TF's {@code Server.stop()} is unimplemented); it lives until the JVM exits.
 */
public final class WorkerServer {
  static final String JOB = "worker";

  private WorkerServer() {}

  /** The device of task {@code i}. */
  public static String task(int i) {
    return "/job:" + JOB + "/replica:0/task:" + i;
  }

  /** Starts the server; a port in use is an {@link IllegalArgumentException} (exit 2). */
  public static Server start(ClusterSpec spec, ConfigProto sessionConfig) {
    checkPortFree(spec);
    JobDef.Builder job = JobDef.newBuilder().setName(JOB);
    for (int i = 0; i < spec.size(); i++) {
      job.putTasks(i, spec.workers().get(i));
    }
    ServerDef def =
        ServerDef.newBuilder()
            .setCluster(ClusterDef.newBuilder().addJob(job))
            .setJobName(JOB)
            .setTaskIndex(spec.taskIndex())
            .setProtocol("grpc")
            .setDefaultSessionConfig(sessionConfig)
            .build();
    Server server = new Server(def);
    try {
      server.start();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "could not start worker "
              + spec.taskIndex()
              + "'s server on "
              + spec.self()
              + ": "
              + e.getMessage().lines().findFirst().orElse("")
              + "; choose another port");
    }
    return server;
  }

  /**
   * The session config every worker needs: task 0 leads the collective group (it must be in the
   * server's default session config, or collectives time out), and the device filter lets a worker's
   * session start without waiting for the others' devices.
   */
  public static ConfigProto sessionConfig(ConfigProto base, ClusterSpec spec) {
    return base.toBuilder()
        .setExperimental(base.getExperimental().toBuilder().setCollectiveGroupLeader(task(0)))
        .clearDeviceFilters()
        .addDeviceFilters("/job:" + JOB + "/task:" + spec.taskIndex())
        .build();
  }

  private static void checkPortFree(ClusterSpec spec) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(spec.port()));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "port "
              + spec.port()
              + " of worker "
              + spec.taskIndex()
              + " ("
              + spec.self()
              + ") is in use: stop what holds it or list another port");
    }
  }
}
