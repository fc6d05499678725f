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
final class Peers {
  static final int CONNECT_TIMEOUT_MS = 2000;

  private Peers() {}

  /** "worker 1 (host:port)" for every other worker that does not accept a connection. */
  static List<String> unreachable(ClusterSpec spec) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < spec.size(); i++) {
      if (i == spec.taskIndex()) {
        continue;
      }
      String w = spec.workers().get(i);
      int colon = w.lastIndexOf(':');
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(w.substring(0, colon), Integer.parseInt(w.substring(colon + 1))),
            CONNECT_TIMEOUT_MS);
      } catch (IOException e) {
        out.add("worker " + i + " (" + w + ")");
      }
    }
    return out;
  }
}
