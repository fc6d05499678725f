package org.sorcen.train.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Bounds every wait on the peers. The collectives have no timeout of their own (TensorFlow would
 * start a sleeping thread per collective execution for it), and some waits have none at all (a
 * worker whose chief is gone before the group is formed has TensorFlow retry the chief without end).
 * One daemon thread watches the session run in flight and probes the other workers while it lasts.
 * It reports to {@code lost} (the CLI prints one line and ends the JVM: the blocked native call
 * cannot be interrupted):
 * <ul>
 *   <li>a peer that has not answered for {@code --cluster-timeout} seconds of the run: a dead
 *       process (its port refuses) or a stopped or hung one (its port accepts, its server is silent);
 *   <li>a run that has lasted the timeout although every peer answers, when a run of its kind has
 *       finished before: the first run of a kind also builds and optimises its graph on every worker,
 *       which can take longer than the timeout on a loaded host.
 * </ul>
 * The clock is monotonic and runs while the process is stopped, so a worker that is resumed after
 * its peers gave up finds them gone at its first look.
 */
public final class Watchdog {
  /** Seconds between looks; shorter timeouts look more often, so that the report comes close to the timeout. */
  static final double LOOK_SECONDS = 1;
  static final int LOOKS_PER_TIMEOUT = 8;

  private final ClusterSpec spec;
  private final double timeoutSeconds;
  private final Consumer<RuntimeException> lost;
  private final Set<String> finishedKinds = ConcurrentHashMap.newKeySet();
  private volatile Guard current;

  /** What is in flight since when; at start-up a missing peer is a matter of the command line. */
  private record Guard(String kind, boolean startup, long sinceNanos) {}

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

  /** Runs {@code run} (a session run of {@code kind} that waits on peers) under the watch. */
  public <T> T guard(String kind, boolean startup, Supplier<T> run) {
    current = new Guard(kind, startup, System.nanoTime());
    try {
      T out = run.get();
      finishedKinds.add(kind);
      return out;
    } finally {
      current = null;
    }
  }

  private void watch() {
    long lookMs = Math.max(1, (long) (1000 * Math.min(LOOK_SECONDS, timeoutSeconds / LOOKS_PER_TIMEOUT)));
    Guard watched = null;
    // When each peer (by index) last answered during the watched run; the run's start if not yet.
    Map<Integer, Long> lastAnswered = new HashMap<>();
    while (true) {
      try {
        Thread.sleep(lookMs);
      } catch (InterruptedException e) {
        return;
      }
      Guard g = current;
      if (g != watched) {
        watched = g;
        lastAnswered.clear();
      }
      if (g == null) {
        continue;
      }
      List<Peers.Missing> gone = Peers.probe(spec);
      long now = System.nanoTime();
      for (int i = 0; i < spec.size(); i++) {
        int peer = i;
        if (gone.stream().noneMatch(p -> p.index() == peer)) {
          lastAnswered.put(peer, now);
        }
      }
      List<Peers.Missing> overdue = gone.stream()
          .filter(p -> (now - lastAnswered.getOrDefault(p.index(), g.sinceNanos())) / 1e9 >= timeoutSeconds).toList();
      boolean tooLong = (now - g.sinceNanos()) / 1e9 >= timeoutSeconds && finishedKinds.contains(g.kind());
      if (overdue.isEmpty() && !tooLong) {
        continue;
      }
      List<Peers.Missing> named = !overdue.isEmpty() ? overdue : !gone.isEmpty() ? gone : Peers.unreachable(spec);
      if (current == g) { // the run may have ended while the peers were probed
        lost.accept(ClusterFailure.overdue(spec, named, timeoutSeconds, g.startup()));
        return;
      }
    }
  }
}
