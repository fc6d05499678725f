package org.sorcen.train.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * N distinct free ports on 127.0.0.1 for a cluster of workers on this machine. The kernel may hand
 * out the same ephemeral port to two probes taken one after the other, so each new port is checked
 * against the ones already chosen; a duplicate would make {@link ClusterSpec} refuse the list.
 */
public final class LoopbackAddresses {
  private LoopbackAddresses() {}

  /** {@code n} addresses {@code 127.0.0.1:<port>}, pairwise different. */
  public static List<String> of(int n) {
    Set<Integer> ports = new HashSet<>();
    List<String> out = new ArrayList<>();
    while (out.size() < n) {
      int port = probe();
      if (ports.add(port)) {
        out.add("127.0.0.1:" + port);
      }
    }
    return out;
  }

  private static int probe() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on this machine", e);
    }
  }
}
