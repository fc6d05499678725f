package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster faults a user can cause, each refused with exit 2 and one line naming what to change:
 * a port in use, a worker started with another config or another worker count, a peer that never
 * comes up, a chief that goes away between a worker's start-up check and its first collective. Each multi-process case runs in its own private loopback-only namespace ({@code unshare
 * -n}), all at once so that their waits overlap; and {@code --local-workers 2} runs a tiny run.
 */
class ClusterFaultsTest {
  static final int BOUND_SECONDS = 180;

  /** Long enough for two JVMs starting together on a loaded 2-core host to meet. */
  static final String MEET_SECONDS = "60";

  /** How long a lone worker waits for its peer. */
  static final String LONE_SECONDS = "8";

  /** Seconds the stand-in chief keeps its port after worker 1 first connects. */
  static final String CHIEF_GONE_AFTER = "2";

  @Test
  void aPortInUseIsRefusedNamingIt(@TempDir Path tmp) throws Exception {
    Path data = TrainerTest.dataset(tmp);
    Path config = Files.writeString(tmp.resolve("config.json"), TrainerTest.CONFIG);
    try (ServerSocket held = new ServerSocket()) {
      held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      String mine = "127.0.0.1:" + held.getLocalPort();
      // Worker 1 stops at its own server: nothing is sent anywhere.
      RunFaultsTest.Result r =
          RunFaultsTest.cli(
              "train",
              "--config",
              config.toString(),
              "--data",
              data.toString(),
              "--run-dir",
              tmp.resolve("run").toString(),
              "--cluster",
              "127.0.0.1:1," + mine,
              "--task-index",
              "1");
      assertEquals(2, r.code(), r.err());
      assertEquals(1, r.errLines().size(), r.err());
      assertTrue(
          r.err().contains("port " + held.getLocalPort() + " of worker 1 (" + mine + ") is in use"),
          r.err());
    }
  }

  @Test
  void workersThatDoNotRunTheSameJobOrMissAPeerAreRefusedNamingTheDifference(@TempDir Path tmp)
      throws Exception {
    needsPrivateNetwork();
    Path data = TrainerTest.dataset(tmp);
    String two = String.join(",", ClusterRunTest.ADDRESSES);
    String three = two + ",127.0.0.1:23453";
    // Every case in its own namespace, so all may use the same ports.
    ClusterRunTest.Workers config =
        ClusterRunTest.Workers.startEach(
            tmp,
            "config",
            List.of(
                train(tmp, data, "config", two, 0, MEET_SECONDS, "optimizer.blr=1e-3"),
                train(tmp, data, "config", two, 1, MEET_SECONDS, "optimizer.blr=2e-3")));
    ClusterRunTest.Workers count =
        ClusterRunTest.Workers.startEach(
            tmp,
            "count",
            List.of(
                train(tmp, data, "count", two, 0, MEET_SECONDS, "train.batch_size=12"),
                train(tmp, data, "count", three, 1, MEET_SECONDS, "train.batch_size=12")));
    ClusterRunTest.Workers noChief =
        ClusterRunTest.Workers.startEach(
            tmp,
            "no-chief",
            List.of(train(tmp, data, "no-chief", two, 1, LONE_SECONDS, "train.epochs=1")));
    ClusterRunTest.Workers noWorker =
        ClusterRunTest.Workers.startEach(
            tmp,
            "no-worker",
            List.of(train(tmp, data, "no-worker", two, 0, LONE_SECONDS, "train.epochs=1")));
    // A chief that dies after worker 1 found its port, before the first collective: TensorFlow
    // would
    // retry it without end; the watchdog ends worker 1 after the cluster timeout.
    List<String> lone = new ArrayList<>(List.of("org.sorcen.train.cli.SorcenCli"));
    lone.addAll(train(tmp, data, "chief-gone", two, 1, LONE_SECONDS, "train.epochs=1"));
    ClusterRunTest.Workers chiefGone =
        ClusterRunTest.Workers.startMains(
            tmp,
            "chief-gone",
            List.of(
                List.of(
                    HoldPort.class.getName(),
                    ClusterRunTest.ADDRESSES.get(0).split(":")[1],
                    CHIEF_GONE_AFTER),
                lone));

    config.awaitEnd(BOUND_SECONDS);
    assertRefused(config, 0, "worker 1's config section \"optimizer\" differs from the chief's");
    assertRefused(config, 1, "worker 1's config section \"optimizer\" differs from the chief's");
    count.awaitEnd(BOUND_SECONDS);
    assertRefused(count, 0, "their worker count differs");
    assertRefused(count, 1, "their worker count differs");
    noChief.awaitEnd(BOUND_SECONDS);
    assertRefused(
        noChief,
        0,
        "worker 1 could not reach the chief, worker 0 (" + ClusterRunTest.ADDRESSES.get(0) + ")");
    noWorker.awaitEnd(BOUND_SECONDS);
    assertRefused(
        noWorker, 0, "worker 0 could not reach worker 1 (" + ClusterRunTest.ADDRESSES.get(1) + ")");
    chiefGone.awaitEnd(BOUND_SECONDS);
    assertTrue(
        chiefGone.log(0).contains("first connection"),
        "worker 1 found the chief's port\n" + chiefGone.logs());
    // The chief's port closes about when worker 1's start-up probe finishes: worker 1 either fails
    // that probe ("could not reach the chief, worker 0 (...)") or its first collective ("could not
    // reach worker 0 (...) before the cluster timeout"). Both are one line naming worker 0 at its
    // port.
    assertRefused(chiefGone, 1, "worker 0 (" + ClusterRunTest.ADDRESSES.get(0) + ")");
    assertRefused(chiefGone, 1, "worker 1 could not reach ");
    assertRefused(chiefGone, 1, "cluster timeout");
  }

  @Test
  void localWorkersRunOnLoopbackAndTheChiefNamesItsRun(@TempDir Path tmp) throws Exception {
    needsPrivateNetwork();
    Path data = TrainerTest.dataset(tmp);
    Path run = tmp.resolve("run");
    List<String> args = ClusterRunTest.args(tmp, data, run, Map.of("train.epochs", "1"));
    int cluster = args.indexOf("--cluster");
    args.subList(cluster, cluster + 2).clear();
    args.addAll(List.of("--local-workers", "2"));
    ClusterRunTest.Workers w = ClusterRunTest.Workers.startEach(tmp, "local", List.of(args));
    w.awaitEnd(BOUND_SECONDS);
    assertEquals(List.of(0), w.exitCodes(), w.logs());
    assertTrue(w.log(0).contains("worker 1 of 2"), w.logs());
    assertTrue(
        w.log(0)
            .contains(
                "done: 6 steps; checkpoint "
                    + run.resolve("checkpoints").resolve("step-000000006")),
        w.logs());
    assertEquals(
        6,
        Files.readAllLines(new RunLayout(run).metrics()).stream()
            .filter(l -> l.contains("\"train\""))
            .count(),
        "one metrics row per step, written by the chief alone");
  }

  private static List<String> train(
      Path tmp, Path data, String name, String cluster, int task, String timeout, String set)
      throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "train",
                "--config",
                Files.writeString(tmp.resolve("config.json"), TrainerTest.CONFIG).toString(),
                "--data",
                data.toString(),
                "--run-dir",
                tmp.resolve("run-" + name).toString(),
                "--cluster",
                cluster,
                "--cluster-timeout",
                timeout,
                "--set",
                set,
                "--task-index",
                Integer.toString(task)));
    return a;
  }

  /** Worker {@code i} exited 2 with one error line containing {@code part}. */
  private static void assertRefused(ClusterRunTest.Workers w, int i, String part) throws Exception {
    List<String> errors = w.log(i).lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(2, w.exitCodes().get(i), w.logs());
    assertEquals(1, errors.size(), w.logs());
    assertTrue(errors.get(0).contains(part), part + "\n" + w.logs());
  }

  private static void needsPrivateNetwork() throws Exception {
    String why = ClusterRunTest.privateNetworkAllowed();
    Assumptions.assumeTrue(why == null, why);
  }
}
