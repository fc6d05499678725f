package org.sorcen.train.session;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;

/**
 * Thread and XLA settings of a Session. On CPU, XLA auto-clustering compiles only when the JVM was
 * started with {@code TF_XLA_FLAGS=--tf_xla_cpu_global_jit} (the {@code ./sorcen} launcher sets it);
 * the jit level chosen here then turns it on or off per session.
 */
public record SessionSettings(int intraOpThreads, int interOpThreads, boolean xla) {
  public static SessionSettings defaults() {
    return new SessionSettings(0, 0, false);
  }

  public ConfigProto toConfigProto() {
    OptimizerOptions.GlobalJitLevel level =
        xla ? OptimizerOptions.GlobalJitLevel.ON_2 : OptimizerOptions.GlobalJitLevel.OFF;
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(intraOpThreads)
        .setInterOpParallelismThreads(interOpThreads)
        .setGraphOptions(
            GraphOptions.newBuilder()
                .setOptimizerOptions(OptimizerOptions.newBuilder().setGlobalJitLevel(level)))
        .build();
  }

  /** Whether this JVM can XLA-compile on CPU at all. */
  public static boolean cpuJitEnabledInEnvironment() {
    String flags = System.getenv("TF_XLA_FLAGS");
    return flags != null && flags.contains("tf_xla_cpu_global_jit");
  }
}
