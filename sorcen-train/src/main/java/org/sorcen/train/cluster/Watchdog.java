package org.sorcen.train.cluster;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Bounds every wait on the peers. The collectives have no timeout of their own (TensorFlow would
 * start a sleeping thread per collective execution for it), and some waits have none at all (a
 * worker whose chief is gone before the group is formed has TensorFlow retry the chief without end).
 * One daemon thread watches the session run in flight: when it has lasted {@code --cluster-timeout}
 * seconds, the thread probes the other workers and reports to {@code lost} the ones that do not
 * answer, a stopped process included (the CLI prints the one line and ends the JVM: the blocked
 * native call cannot be interrupted). The clock is monotonic and runs while the process is stopped,
 * so a worker that is resumed after its peers gave up finds its run overdue at its next look.
 */
public final class Watchdog {
  /** Seconds between looks; shorter timeouts look more often, so that the report comes close to the timeout. */
  static final double LOOK_SECONDS = 1;
  static final int LOOKS_PER_TIMEOUT = 8;

  private final ClusterSpec spec;
  private final double timeoutSeconds;
  private final Consumer<RuntimeException> lost;
  private volatile Guard current;

  /** What is in flight since when, and whether it is the start-up (a missing peer is then a matter of the command line). */
  private record Guard(boolean startup, long sinceNanos) {}

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
    current = new Guard(startup, System.nanoTime());
    try {
      return run.get();
    } finally {
      current = null;
    }
  }

  private void watch() {
    long lookMs = Math.max(1, (long) (1000 * Math.min(LOOK_SECONDS, timeoutSeconds / LOOKS_PER_TIMEOUT)));
    while (true) {
      try {
        Thread.sleep(lookMs);
      } catch (InterruptedException e) {
        return;
      }
      Guard g = current;
      if (g == null || (System.nanoTime() - g.sinceNanos()) / 1e9 < timeoutSeconds) {
        continue;
      }
      List<Peers.Missing> gone = Peers.unreachable(spec);
      if (current == g) { // the run may have ended while the peers were probed
        lost.accept(ClusterFailure.overdue(spec, gone, timeoutSeconds, g.startup()));
        return;
      }
    }
  }
}
