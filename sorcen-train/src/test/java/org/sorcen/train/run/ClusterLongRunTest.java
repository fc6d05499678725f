package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workers over hundreds of steps keep their native threads and file descriptors, and a worker
 * that stops answering (SIGSTOP) is named by the chief, then, resumed after the chief gave up, ends
 * with one line instead of crashing. Both run as separate JVMs in a private loopback-only network
 * namespace ({@code unshare -n}, as root); skipped, with the reason, where that is not allowed.
 */
class ClusterLongRunTest {
  static final int BOUND_SECONDS = 240;

  /** 48 records at batch 8: 6 steps per epoch. */
  static final int EPOCHS = 52;

  static final int STEPS = 6 * EPOCHS;

  /**
   * Threads or descriptors a worker may gain between two samples (thread pools that start a thread
   * late, a gRPC connection). A collective with a timeout cost about 16 threads per step.
   */
  static final int SLACK = 16;

  @BeforeAll
  static void needsPrivateNetwork() throws Exception {
    String why = ClusterRunTest.privateNetworkAllowed();
    Assumptions.assumeTrue(why == null, why);
  }

  /** A worker's thread and open-file counts, from /proc. */
  record Usage(long threads, long descriptors) {
    static Usage of(ProcessHandle p) throws Exception {
      try (Stream<Path> t = Files.list(Path.of("/proc", Long.toString(p.pid()), "task"));
          Stream<Path> f = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
        return new Usage(t.count(), f.count());
      }
    }
  }

  @Test
  void twoWorkersKeepTheirThreadsAndDescriptorsOverThreeHundredSteps(@TempDir Path tmp)
      throws Exception {
    Path data = TrainerTest.dataset(tmp);
    Path run = tmp.resolve("run");
    ClusterRunTest.Workers w =
        ClusterRunTest.Workers.start(
            tmp,
            "long",
            ClusterRunTest.args(tmp, data, run, Map.of("train.epochs", Integer.toString(EPOCHS))));
    Path metrics = new RunLayout(run).metrics();
    ClusterRunTest.awaitRows(w, metrics, 50);
    Usage[] early = {Usage.of(w.worker(0).orElseThrow()), Usage.of(w.worker(1).orElseThrow())};
    ClusterRunTest.awaitRows(w, metrics, STEPS - 10);
    Usage[] late = {Usage.of(w.worker(0).orElseThrow()), Usage.of(w.worker(1).orElseThrow())};
    w.awaitEnd(BOUND_SECONDS);
    assertEquals(List.of(0, 0), w.exitCodes(), w.logs());
    assertEquals(STEPS, ClusterRunTest.rows(metrics), "every step ran\n" + w.logs());
    for (int i = 0; i < 2; i++) {
      String what =
          "worker " + i + " at step 50 " + early[i] + ", at step " + (STEPS - 10) + " " + late[i];
      assertTrue(late[i].threads() <= early[i].threads() + SLACK, what);
      assertTrue(late[i].descriptors() <= early[i].descriptors() + SLACK, what);
    }
  }

  /**
   * Worker 1 SIGSTOPped mid-run: its port still accepts connections, but the chief names it and exits
   * 1 with one line. Resumed with SIGCONT, worker 1 finds the chief gone and exits 1 with one line
   * naming it: no crash report, no fatal signal.
   */
  @Test
  void aStoppedWorkerIsNamedByTheChiefAndEndsWithOneLineWhenResumed(@TempDir Path tmp)
      throws Exception {
    Path data = TrainerTest.dataset(tmp);
    Path run = tmp.resolve("run");
    ClusterRunTest.Workers w =
        ClusterRunTest.Workers.start(
            tmp,
            "stopped",
            ClusterRunTest.args(tmp, data, run, Map.of("train.epochs", Integer.toString(EPOCHS))));
    try {
      ClusterRunTest.awaitRows(w, new RunLayout(run).metrics(), 10);
      assertTrue(w.signalWorker(1, "STOP"), "worker 1 was running when stopped\n" + w.logs());
      assertEquals(1, w.awaitExit(0, BOUND_SECONDS), w.logs());
      assertOneError(
          w,
          0,
          "error: worker 0 lost worker 1 ("
              + ClusterRunTest.ADDRESSES.get(1)
              + "): it did not take "
              + "part for the cluster timeout of 15.0 s and its server does not answer (a stopped or hung process");
    } finally {
      w.signalWorker(1, "CONT");
    }
    w.awaitEnd(BOUND_SECONDS);
    assertEquals(List.of(1, 1), w.exitCodes(), w.logs());
    assertOneError(w, 1, "error: worker 1 lost worker 0 (" + ClusterRunTest.ADDRESSES.get(0) + ")");
    try (Stream<Path> files = Files.list(w.dir)) {
      assertEquals(
          List.of(),
          files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList(),
          w.logs());
    }
    assertTrue(!w.log(1).contains("SIGSEGV") && !w.log(1).contains("fatal error"), w.logs());
  }

  /** Worker {@code i} printed exactly one {@code error:} line, which starts with {@code start}. */
  private static void assertOneError(ClusterRunTest.Workers w, int i, String start)
      throws Exception {
    List<String> errors = w.log(i).lines().filter(l -> l.startsWith("error:")).toList();
    assertEquals(1, errors.size(), w.logs());
    assertTrue(errors.get(0).startsWith(start), start + "\n" + w.logs());
  }
}
