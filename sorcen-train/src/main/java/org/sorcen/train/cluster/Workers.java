package org.sorcen.train.cluster;

import java.util.function.Consumer;

/**
 * This process's place in a data-parallel run: the cluster, how long a collective waits for a peer
 * before the step fails (longer than the chief's longest pause without a step: evaluation,
 * checkpoint, pictures), and what to do when the {@link Watchdog} finds a peer gone while this
 * worker waits on it (null: no watchdog; the CLI reports the failure and ends the JVM).
 */
public record Workers(ClusterSpec spec, double timeoutSeconds, Consumer<RuntimeException> onLost) {
  public Workers {
    if (!(timeoutSeconds > 0)) {
      throw new IllegalArgumentException(
          "--cluster-timeout must be positive, got " + timeoutSeconds);
    }
  }

  /** Without a watchdog (in-process replicas, benchmarks). */
  public Workers(ClusterSpec spec, double timeoutSeconds) {
    this(spec, timeoutSeconds, null);
  }

  public boolean isChief() {
    return spec.isChief();
  }
}
