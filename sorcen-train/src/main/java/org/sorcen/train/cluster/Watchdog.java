package org.sorcen.train.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Bounds every wait on the peers. A collective times out by itself, but a worker whose chief is gone
 * before the group is formed (the start-up gather) has TensorFlow retry the chief without end. While
 * a guarded session run is in flight, a daemon thread probes the other workers' ports; a peer that
 * refuses for {@code --cluster-timeout} seconds in a row is reported to {@code lost} (the CLI prints
 * the one line and ends the JVM: the blocked native call cannot be interrupted).
 */
public final class Watchdog {
  /** Seconds between probes; shorter timeouts probe more often, so that at least a few probes fit. */
  static final double PROBE_SECONDS = 2;
  static final int PROBES_PER_TIMEOUT = 4;

  private final ClusterSpec spec;
  private final double timeoutSeconds;
  private final Consumer<RuntimeException> lost;
  private volatile Guard current;

  /** What is in flight: whether it is the start-up (a missing peer is then a matter of the command line). */
  private record Guard(boolean startup) {}

  private Watchdog(ClusterSpec spec, double timeoutSeconds, Consumer<RuntimeException> lost) {
    this.spec = spec;
    this.timeoutSeconds = timeoutSeconds;
    this.lost = lost;
  }

  /** A watchdog for {@code workers}, or none when it has no {@link Workers#onLost} handler. */
  public static Watchdog start(Workers workers) {
    if (workers.onLost() == null) {
      return null;
    }
    Watchdog w = new Watchdog(workers.spec(), workers.timeoutSeconds(), workers.onLost());
    Thread t = new Thread(w::watch, "sorcen-cluster-watchdog");
    t.setDaemon(true);
    t.start();
    return w;
  }

  /** Runs {@code run} (a session run that waits on peers) under the watch. */
  public <T> T guard(boolean startup, Supplier<T> run) {
    current = new Guard(startup);
    try {
      return run.get();
    } finally {
      current = null;
    }
  }

  private void watch() {
    long probeMs = (long) (1000 * Math.min(PROBE_SECONDS, timeoutSeconds / PROBES_PER_TIMEOUT));
    // Since when each unreachable peer has refused, while something was in flight.
    Map<String, Long> since = new HashMap<>();
    while (true) {
      try {
        Thread.sleep(probeMs);
      } catch (InterruptedException e) {
        return;
      }
      Guard g = current;
      if (g == null) {
        since.clear(); // between runs a peer may be busy or restarting; only a wait counts
        continue;
      }
      List<String> gone = Peers.unreachable(spec);
      long now = System.nanoTime();
      since.keySet().retainAll(gone);
      gone.forEach(p -> since.putIfAbsent(p, now));
      List<String> overdue = gone.stream().filter(p -> (now - since.get(p)) / 1e9 >= timeoutSeconds).toList();
      if (!overdue.isEmpty() && current != null) {
        lost.accept(ClusterFailure.unreachable(spec, overdue, timeoutSeconds, g.startup()));
        return;
      }
    }
  }
}
