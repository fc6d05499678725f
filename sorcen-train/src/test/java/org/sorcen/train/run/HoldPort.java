package org.sorcen.train.run;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for a chief that dies right after a worker's start-up check: it listens on the chief's
 * port (so the worker's wait for the chief's port succeeds), and some seconds after the first
 * connection it exits, its port refusing from then on while the worker waits in its first collective.
 * Arguments: PORT SECONDS.
 */
public final class HoldPort {
  private HoldPort() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long holdMs = (long) (1000 * Double.parseDouble(args[1]));
    List<Socket> open = new ArrayList<>();
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      System.out.println("holding port " + port);
      open.add(server.accept());
      long until = System.currentTimeMillis() + holdMs;
      System.out.println("first connection; exiting in " + args[1] + " s");
      while (System.currentTimeMillis() < until) {
        server.setSoTimeout((int) Math.max(1, until - System.currentTimeMillis()));
        try {
          open.add(server.accept()); // gRPC's connections: accepted, never answered
        } catch (SocketTimeoutException e) {
          break;
        }
      }
    }
    System.out.println("port " + port + " closed");
    Runtime.getRuntime().halt(0); // drops every accepted connection too
  }
}
