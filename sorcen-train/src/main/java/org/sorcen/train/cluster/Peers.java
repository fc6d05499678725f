package org.sorcen.train.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which workers answer. TensorFlow's collectives do not say which peer is missing; a probe of each
 * one's server does. A dead process's port refuses at once; a stopped or hung process's port still
 * accepts connections (the kernel completes them until its listen queue is full), but its gRPC
 * server sends nothing back, so the probe opens an HTTP/2 connection and waits for the server's
 * first frame.
 */
public final class Peers {
  static final int CONNECT_TIMEOUT_MS = 2000;

  /** How long a live gRPC server may take to send its SETTINGS frame, on a loaded host. */
  static final int ANSWER_TIMEOUT_MS = 2000;

  /** Between two connection attempts while waiting for the chief. */
  static final int RETRY_MS = 200;

  /** HTTP/2's client connection preface, then an empty SETTINGS frame: a gRPC server replies with its SETTINGS. */
  private static final byte[] HTTP2_PREFACE =
      concat(
          "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
          new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});

  private Peers() {}

  /**
   * A collective can fail a moment before the dead peer's process has finished exiting and its
   * listening port closes: while every peer still answers, look again for this long.
   */
  static final int SETTLE_MS = 3000;

  /** A worker that does not answer: its port refuses, or it accepts but the server stays silent. */
  record Missing(int index, String address, boolean silent) {
    @Override
    public String toString() {
      return "worker " + index + " (" + address + ")";
    }
  }

  /**
   * Every other worker that does not answer, looking again for up to {@link #SETTLE_MS} while all of
   * them do; empty if all answer throughout.
   */
  static List<Missing> unreachable(ClusterSpec spec) {
    long deadline = System.nanoTime() + SETTLE_MS * 1_000_000L;
    List<Missing> out = probe(spec);
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

  /** Every other worker that does not answer one probe now. */
  static List<Missing> probe(ClusterSpec spec) {
    List<Missing> out = new ArrayList<>();
    for (int i = 0; i < spec.size(); i++) {
      if (i == spec.taskIndex()) {
        continue;
      }
      String address = spec.workers().get(i);
      switch (answer(address)) {
        case REFUSES -> out.add(new Missing(i, address, false));
        case SILENT -> out.add(new Missing(i, address, true));
        case ANSWERS -> {}
      }
    }
    return out;
  }

  /**
   * Waits up to {@code seconds} for the chief's port. A worker's first collective asks the chief
   * (the group leader) for its step ids, and TensorFlow retries that without end while the chief is
   * away. An {@link IllegalArgumentException} (exit 2) when the chief never answers.
   */
  public static void awaitChief(ClusterSpec spec, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    String chief = spec.workers().get(0);
    while (answer(chief) == Answer.REFUSES) {
      if (System.nanoTime() > deadline) {
        throw new IllegalArgumentException(
            "worker "
                + spec.taskIndex()
                + " could not reach the chief, worker 0 ("
                + chief
                + "), within the cluster timeout of "
                + seconds
                + " s: start it, and every worker with the "
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

  enum Answer {
    ANSWERS,
    REFUSES,
    SILENT
  }

  static Answer answer(String address) {
    int colon = address.lastIndexOf(':');
    try (Socket s = new Socket()) {
      try {
        s.connect(
            new InetSocketAddress(
                address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
            CONNECT_TIMEOUT_MS);
      } catch (SocketTimeoutException e) {
        // A stopped process's listen queue fills up with these probes; then connections time out
        // too.
        return Answer.SILENT;
      } catch (IOException e) {
        return Answer.REFUSES; // refused, or no such host: nothing listens
      }
      s.setSoTimeout(ANSWER_TIMEOUT_MS);
      OutputStream out = s.getOutputStream();
      out.write(HTTP2_PREFACE);
      out.flush();
      InputStream in = s.getInputStream();
      in.read(); // a byte, or the end of the stream: either way a process answered
      return Answer.ANSWERS;
    } catch (SocketTimeoutException e) {
      return Answer.SILENT;
    } catch (IOException e) {
      return Answer
          .REFUSES; // reset: the process went away after the kernel accepted the connection
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
