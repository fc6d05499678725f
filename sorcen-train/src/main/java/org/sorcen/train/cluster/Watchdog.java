package org.sorcen.train.cluster;

import java.util.ArrayList;
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
 * While a session run that waits on peers is in flight, a prober thread probes the other workers
 * (a probe of a silent one takes seconds), and the watchdog thread reports to {@code lost} (the CLI
 * prints one line and ends the JVM: the blocked native call cannot be interrupted):
 * <ul>
 *   <li>a peer that has not answered for {@code --cluster-timeout} seconds of the run: a dead
 *       process (its port refuses) or a stopped or hung one (its port accepts, its server is silent);
 *   <li>a run that has lasted the timeout although every peer answers, when a run of its kind has
 *       finished before: the first run of a kind also builds and optimises its graph on every worker,
 *       which can take longer than the timeout on a loaded host.
 * </ul>
 * The clock is monotonic and runs while the process is stopped, so a worker that is resumed after
 * its peers gave up finds its wait overdue at once; it probes again before naming anyone, since the
 * silence was its own.
 */
public final class Watchdog {
  /** Seconds between looks and between probes; shorter timeouts look more often. */
  static final double LOOK_SECONDS = 1;

  static final int LOOKS_PER_TIMEOUT = 8;

  private final ClusterSpec spec;
  private final double timeoutSeconds;
  private final Consumer<RuntimeException> lost;
  private final long lookMs;
  private final Set<String> finishedKinds = ConcurrentHashMap.newKeySet();

  /** When each peer (by index) last answered a probe. */
  private final Map<Integer, Long> lastAnswered = new ConcurrentHashMap<>();

  /** Null before the first probe. */
  private volatile Probe lastProbe;

  private volatile Guard current;

  /** What is in flight since when; at start-up a missing peer is a matter of the command line. */
  private record Guard(String kind, boolean startup, long sinceNanos) {}

  /** The peers that did not answer the latest probe, and when it ended. */
  private record Probe(List<Peers.Missing> gone, long endNanos) {}

  private Watchdog(ClusterSpec spec, double timeoutSeconds, Consumer<RuntimeException> lost) {
    this.spec = spec;
    this.timeoutSeconds = timeoutSeconds;
    this.lost = lost;
    this.lookMs =
        Math.max(1, (long) (1000 * Math.min(LOOK_SECONDS, timeoutSeconds / LOOKS_PER_TIMEOUT)));
  }

  /** A watchdog for {@code workers}, or none when it has no {@link Workers#onLost} handler. */
  public static Watchdog start(Workers workers) {
    if (workers.onLost() == null) {
      return null;
    }
    Watchdog w = new Watchdog(workers.spec(), workers.timeoutSeconds(), workers.onLost());
    daemon(w::watch, "sorcen-cluster-watchdog");
    daemon(w::probe, "sorcen-cluster-prober");
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

  private void probe() {
    while (sleep(lookMs)) {
      if (current != null) {
        probeNow();
      }
    }
  }

  /** Probes every other worker and records who answered. */
  private List<Peers.Missing> probeNow() {
    List<Peers.Missing> gone = Peers.probe(spec);
    long now = System.nanoTime();
    for (int i = 0; i < spec.size(); i++) {
      int peer = i;
      if (gone.stream().noneMatch(p -> p.index() == peer)) {
        lastAnswered.put(peer, now);
      }
    }
    lastProbe = new Probe(gone, now);
    return gone;
  }

  private void watch() {
    while (sleep(lookMs)) {
      Guard g = current;
      if (g == null) {
        continue;
      }
      long now = System.nanoTime();
      List<Integer> silent = new ArrayList<>();
      for (int i = 0; i < spec.size(); i++) {
        long since = Math.max(g.sinceNanos(), lastAnswered.getOrDefault(i, Long.MIN_VALUE));
        if (i != spec.taskIndex() && (now - since) / 1e9 >= timeoutSeconds) {
          silent.add(i);
        }
      }
      boolean tooLong =
          (now - g.sinceNanos()) / 1e9 >= timeoutSeconds && finishedKinds.contains(g.kind());
      if (silent.isEmpty() && !tooLong) {
        continue;
      }
      // The prober's word if it is recent; if not, this process may itself have been stopped: look
      // again.
      Probe p = lastProbe;
      boolean recent =
          p != null && (now - p.endNanos()) / 1e6 <= 2 * lookMs + Peers.ANSWER_TIMEOUT_MS;
      List<Peers.Missing> gone = recent ? p.gone() : probeNow();
      List<Peers.Missing> named = gone.stream().filter(m -> silent.contains(m.index())).toList();
      if (named.isEmpty() && tooLong) {
        named = !gone.isEmpty() ? gone : Peers.unreachable(spec);
      }
      if (!named.isEmpty() || tooLong) {
        if (current == g) { // the run may have ended meanwhile
          lost.accept(ClusterFailure.overdue(spec, named, timeoutSeconds, g.startup()));
          return;
        }
      }
    }
  }

  private static void daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  /** False when interrupted. */
  private static boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }
}
