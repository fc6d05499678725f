package org.sorcen.train.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Which workers answer on their port. TensorFlow's collective timeout does not say which peer is
 * missing; a TCP connect to each one does (a dead process's port refuses at once).
 */
public final class Peers {
  static final int CONNECT_TIMEOUT_MS = 2000;
  /** Between two connection attempts while waiting for the chief. */
  static final int RETRY_MS = 200;

  private Peers() {}

  /**
   * A collective can fail a moment before the dead peer's process has finished exiting and its
   * listening port closes: while every peer still answers, look again for this long.
   */
  static final int SETTLE_MS = 3000;

  /**
   * "worker 1 (host:port)" for every other worker that does not accept a connection, looking again
   * for up to {@link #SETTLE_MS} while all of them still do; empty if all answer throughout.
   */
  static List<String> unreachable(ClusterSpec spec) {
    long deadline = System.nanoTime() + SETTLE_MS * 1_000_000L;
    List<String> out = probe(spec);
    while (out.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(RETRY_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return out;
      }
      out = probe(spec);
    }
    return out;
  }

  private static List<String> probe(ClusterSpec spec) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < spec.size(); i++) {
      if (i != spec.taskIndex() && !answers(spec.workers().get(i))) {
        out.add("worker " + i + " (" + spec.workers().get(i) + ")");
      }
    }
    return out;
  }

  /**
   * Waits up to {@code seconds} for the chief's port. A worker's first collective asks the chief
   * (the group leader) for its step ids, and TensorFlow retries that without end while the chief is
   * away; the collective timeout does not cover it. An {@link IllegalArgumentException} (exit 2)
   * when the chief never answers.
   */
  public static void awaitChief(ClusterSpec spec, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    String chief = spec.workers().get(0);
    while (!answers(chief)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalArgumentException("worker " + spec.taskIndex() + " could not reach the chief, worker 0 ("
            + chief + "), within the cluster timeout of " + seconds + " s: start it, and every worker with the "
            + "same --cluster");
      }
      try {
        Thread.sleep(RETRY_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the chief", e);
      }
    }
  }

  private static boolean answers(String address) {
    int colon = address.lastIndexOf(':');
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
          CONNECT_TIMEOUT_MS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
