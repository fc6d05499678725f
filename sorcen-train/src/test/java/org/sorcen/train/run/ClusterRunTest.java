package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.tokenizer.TinyTokenizer;
import org.sorcen.train.tokenizer.TokenizerTrainer;

/**
 * Two workers as separate JVMs in a private network namespace with loopback only ({@code unshare
 * -n}, as root), each bounded in time, against one process with the same global batch: every step's
 * losses agree, for Sorcen and MAGE; a killed worker makes the chief exit naming it, and both started
 * again resume onto the same losses. Skipped, with the reason, where {@code unshare -n} is not allowed.
 */
class ClusterRunTest {
  static final String[] KEYS = {
    "loss/total", "loss/reconstruction", "loss/uniformity", "loss/contrastive", "loss/classifier"
  };
  static final int BOUND_SECONDS = 240;
  static final List<String> ADDRESSES = List.of("127.0.0.1:23451", "127.0.0.1:23452");

  @BeforeAll
  static void needsPrivateNetwork() throws Exception {
    String why = privateNetworkAllowed();
    Assumptions.assumeTrue(why == null, why);
  }

  /** Null when {@code unshare -n} works here, else why not. */
  static String privateNetworkAllowed() throws Exception {
    Process p;
    try {
      p =
          new ProcessBuilder("unshare", "-n", "sh", "-c", "ip link set lo up")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      return "unshare is not installed: " + e.getMessage();
    }
    boolean ended = p.waitFor(30, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes());
    return ended && p.exitValue() == 0
        ? null
        : "unshare -n (a private network namespace) is not allowed here (needs root): "
            + out.strip();
  }

  @Test
  void twoWorkersTrainLikeOneProcessForSorcenAndMage(@TempDir Path tmp) throws Exception {
    Path data = TrainerTest.dataset(tmp);
    Path tokenizer = tinyTokenizer(tmp);
    for (String method : List.of("sorcen", "mage")) {
      // Sorcen's chief also evaluates, checkpoints and draws pictures mid-run (its graph grows
      // then).
      Map<String, String> set =
          method.equals("sorcen")
              ? Map.of(
                  "method",
                  method,
                  "train.epochs",
                  "4",
                  "eval.every_epochs",
                  "1",
                  "train.checkpoint_every_steps",
                  "5")
              : Map.of("method", method, "train.epochs", "4");
      Path single = tmp.resolve(method + "-single");
      TrainerTest.train(JobConfig.parse(TrainerTest.CONFIG, "t", set), data, single);
      Path cluster = tmp.resolve(method + "-cluster");
      List<String> args = args(tmp, data, cluster, set);
      if (method.equals("sorcen")) {
        args.addAll(List.of("--tokenizer", tokenizer.toString()));
      }
      Workers w = Workers.start(tmp, method, args);
      w.awaitEnd(BOUND_SECONDS);
      assertEquals(List.of(0, 0), w.exitCodes(), () -> w.logs());
      assertTrue(w.log(1).contains("worker 1 of 2"), w.logs());
      Map<Long, Map<String, Double>> want = losses(single);
      assertEquals(24, want.size(), "48 records / batch 8 × 4 epochs");
      assertClose(want, losses(cluster), method);
      if (method.equals("sorcen")) {
        assertEquals(4, kindRows(cluster, "eval"), "an evaluation after every epoch\n" + w.logs());
        for (String picture : List.of("samples-step-000000006.png", "echo-step-000000007.png")) {
          assertTrue(
              Files.isRegularFile(new RunLayout(cluster).pictures().resolve(picture)), picture);
        }
      }
    }
  }

  /**
   * SIGTERM to worker 1 alone: both workers stop after the same step and exit 143, the chief's newest
   * checkpoint at that step. Started again, worker 1 SIGKILLed mid-run: the chief exits naming it.
   * Both started again with the same command resume from the chief's newest checkpoint, across an
   * epoch boundary, onto the losses of an uninterrupted single-process run (every step logged once).
   */
  @Test
  void aStoppedOrKilledWorkerStopsTheChiefAndBothRestartedResumeOntoTheSameLosses(@TempDir Path tmp)
      throws Exception {
    Map<String, String> set = stoppedRun(tmp);
    killedRun(tmp, set);
    Path single = tmp.resolve("single");
    TrainerTest.train(JobConfig.parse(TrainerTest.CONFIG, "t", set), tmp.resolve("data"), single);
    Workers again =
        Workers.start(tmp, "resumed", args(tmp, tmp.resolve("data"), tmp.resolve("cluster"), set));
    again.awaitEnd(BOUND_SECONDS);
    assertEquals(List.of(0, 0), again.exitCodes(), again.logs());
    assertTrue(again.log(0).contains("resuming from"), again.logs());
    assertClose(losses(single), losses(tmp.resolve("cluster")), "after a restart");
  }

  /**
   * Two workers stopped mid-run by a SIGTERM to worker 1 only: both exit 143 (SIGTERM's code; the
   * chief stopped on its peer's request) after the same step, of which the chief wrote the newest
   * checkpoint. Returns the run's settings.
   */
  private static Map<String, String> stoppedRun(Path tmp) throws Exception {
    Path data = TrainerTest.dataset(tmp);
    Map<String, String> set = Map.of("train.epochs", "4", "train.checkpoint_every_steps", "4");
    Path cluster = tmp.resolve("cluster");
    Workers first = Workers.start(tmp, "stopped", args(tmp, data, cluster, set));
    awaitRows(first, new RunLayout(cluster).metrics(), 3);
    assertTrue(first.terminateWorker(1), "worker 1 was running when signalled\n" + first.logs());
    first.awaitEnd(BOUND_SECONDS);
    assertEquals(List.of(143, 143), first.exitCodes(), first.logs());
    Matcher chief =
        Pattern.compile(
                "stopped with the other workers \\(1 of them got "
                    + "SIGINT/SIGTERM\\) at step (\\d+) of 24; checkpoint (\\S+) written")
            .matcher(first.log(0));
    assertTrue(chief.find(), first.logs());
    long step = Long.parseLong(chief.group(1));
    assertTrue(step > 0 && step < 24, first.logs());
    assertTrue(
        first.log(1).contains("worker 1: SIGTERM at step " + step + " of 24"),
        "the same step\n" + first.logs());
    Checkpoints checkpoints = new Checkpoints(new RunLayout(cluster).checkpoints(), 10);
    assertEquals(
        Path.of(chief.group(2)),
        checkpoints.latest().orElseThrow(),
        "the chief's newest checkpoint is the agreed step");
    assertEquals(step, Checkpoints.readSidecar(checkpoints.latest().orElseThrow()).step());
    assertEquals(
        step, rows(new RunLayout(cluster).metrics()), "one row per step up to the agreed one");
    return set;
  }

  /** Two workers resumed and killed mid-run (worker 1 SIGKILLed, the chief exits on its own naming it). */
  private static void killedRun(Path tmp, Map<String, String> set) throws Exception {
    Path cluster = tmp.resolve("cluster");
    long from = rows(new RunLayout(cluster).metrics());
    Workers second = Workers.start(tmp, "killed", args(tmp, tmp.resolve("data"), cluster, set));
    awaitRows(second, new RunLayout(cluster).metrics(), Math.max(10, from + 3));
    assertTrue(second.killWorker(1), "worker 1 was running when killed\n" + second.logs());
    second.awaitEnd(BOUND_SECONDS);
    assertTrue(second.log(0).contains("resuming from"), second.logs());
    assertNotEquals(0, second.exitCodes().get(0), second.logs());
    assertTrue(second.log(0).contains("lost worker 1 (" + ADDRESSES.get(1) + ")"), second.logs());
  }

  /** Waits (bounded) until the chief has logged {@code n} train rows, or the workers ended. */
  static void awaitRows(Workers w, Path metrics, long n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (rows(metrics) < n && w.alive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  /** A tiny tokenizer SavedModel for the run's pictures (the test config's codebook of 32). */
  static Path tinyTokenizer(Path tmp) {
    TokenizerConfig tc = TinyTokenizer.config(Map.of("train.epochs", "1", "codebook_size", "32"));
    Path checkpoint = tmp.resolve("tokenizer-training").resolve("tokenizer");
    TokenizerTrainer.train(
        tc,
        TinyTokenizer.images(16, 2),
        checkpoint,
        SessionSettings.defaults(),
        0,
        new PrintStream(OutputStream.nullOutputStream()));
    Path model = tmp.resolve("tokenizer-model");
    TokenizerExport.write(tc, checkpoint, model);
    return model;
  }

  static List<String> args(Path tmp, Path data, Path run, Map<String, String> set)
      throws Exception {
    Path config = tmp.resolve("config.json");
    Files.writeString(config, TrainerTest.CONFIG);
    List<String> a =
        new ArrayList<>(
            List.of(
                "train",
                "--config",
                config.toString(),
                "--data",
                data.toString(),
                "--run-dir",
                run.toString(),
                "--cluster",
                String.join(",", ADDRESSES),
                "--cluster-timeout",
                "15"));
    set.forEach(
        (k, v) -> {
          a.add("--set");
          a.add(k + "=" + v);
        });
    return a;
  }

  /** Every step of {@code want} once in {@code got}, each loss within 1e-4 relative. */
  private static void assertClose(
      Map<Long, Map<String, Double>> want, Map<Long, Map<String, Double>> got, String why) {
    assertEquals(want.keySet(), got.keySet(), why);
    for (long step : want.keySet()) {
      for (String k : KEYS) {
        double w = want.get(step).get(k);
        assertEquals(
            w,
            got.get(step).get(k),
            1e-4 * Math.max(1e-3, Math.abs(w)),
            why + ": step " + step + " " + k);
      }
    }
  }

  /** The train rows of a run's metrics, by step; a step logged twice fails. */
  private static Map<Long, Map<String, Double>> losses(Path run) throws Exception {
    Map<Long, Map<String, Double>> out = new TreeMap<>();
    for (String line : Files.readAllLines(new RunLayout(run).metrics())) {
      JsonNode n = new ObjectMapper().readTree(line);
      if (n.get("kind").asText().equals("train")) {
        Map<String, Double> v = new TreeMap<>();
        for (String k : KEYS) {
          v.put(k, n.get(k).asDouble());
        }
        assertEquals(
            null, out.put(n.get("step").asLong(), v), "step " + n.get("step") + " logged once");
      }
    }
    return out;
  }

  private static long kindRows(Path run, String kind) throws Exception {
    return Files.readAllLines(new RunLayout(run).metrics()).stream()
        .filter(
            l ->
                l.contains("\"kind\":\"" + kind + "\"") || l.contains("\"kind\": \"" + kind + "\""))
        .count();
  }

  static long rows(Path metrics) throws Exception {
    return Files.exists(metrics)
        ? Files.readAllLines(metrics).stream().filter(l -> l.contains("\"train\"")).count()
        : 0;
  }

  /** Both workers in one private network namespace with loopback only; each JVM's output in a log file. */
  static final class Workers {
    final Process shell;
    final Path dir;
    final int count;

    private Workers(Process shell, Path dir, int count) {
      this.shell = shell;
      this.dir = dir;
      this.count = count;
    }

    /** Two workers of one command line, each with its --task-index appended. */
    static Workers start(Path tmp, String name, List<String> args) throws Exception {
      List<List<String>> each = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of("--task-index", Integer.toString(i)));
        each.add(a);
      }
      return startEach(tmp, name, each);
    }

    /** One JVM of {@code ./sorcen ARGS} per entry, all in one namespace; entry i logs to w{i}.log. */
    static Workers startEach(Path tmp, String name, List<List<String>> each) throws Exception {
      List<List<String>> mains = new ArrayList<>();
      for (List<String> args : each) {
        List<String> m = new ArrayList<>(List.of("org.sorcen.train.cli.SorcenCli"));
        m.addAll(args);
        mains.add(m);
      }
      return startMains(tmp, name, mains);
    }

    /** One JVM per entry (a main class of the test class path, then its arguments), all in one namespace. */
    static Workers startMains(Path tmp, String name, List<List<String>> each) throws Exception {
      Path dir = Files.createDirectories(tmp.resolve("workers-" + name));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      StringBuilder script = new StringBuilder("ip link set lo up\n");
      for (int i = each.size() - 1; i >= 0; i--) {
        // A JVM that crashes writes its report here, where the tests look for it.
        List<String> cmd =
            new ArrayList<>(
                List.of(
                    java,
                    "-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"),
                    "-cp",
                    System.getProperty("java.class.path")));
        cmd.addAll(each.get(i));
        script
            .append("(")
            .append(String.join(" ", cmd.stream().map(Workers::quote).toList()))
            .append(" > ")
            .append(quote(dir.resolve("w" + i + ".log").toString()))
            .append(" 2>&1; echo $? > ")
            .append(quote(dir.resolve("w" + i + ".rc").toString()))
            .append(") &\n");
      }
      script.append("wait\n");
      ProcessBuilder pb =
          new ProcessBuilder("unshare", "-n", "sh", "-c", script.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("shell.log").toFile());
      pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
      pb.environment().remove("TF_CONFIG");
      return new Workers(pb.start(), dir, each.size());
    }

    boolean alive() {
      return shell.isAlive();
    }

    /** Waits for both workers; past the bound, kills every process of the namespace (a hang fails). */
    void awaitEnd(int seconds) throws Exception {
      if (!shell.waitFor(seconds, TimeUnit.SECONDS)) {
        shell.descendants().forEach(ProcessHandle::destroyForcibly);
        shell.destroyForcibly();
        throw new AssertionError("the workers did not end within " + seconds + " s\n" + logs());
      }
    }

    /** SIGKILL the JVM of worker {@code i}; false when it is not running. */
    boolean killWorker(int i) {
      return worker(i).map(ProcessHandle::destroyForcibly).orElse(false);
    }

    /** SIGTERM to the JVM of worker {@code i} (as {@code kill PID}); false when it is not running. */
    boolean terminateWorker(int i) {
      return worker(i).map(ProcessHandle::destroy).orElse(false);
    }

    /** Sends {@code kill -SIGNAL} (STOP, CONT) to the JVM of worker {@code i}; false when it is not running. */
    boolean signalWorker(int i, String signal) throws Exception {
      Optional<ProcessHandle> w = worker(i);
      return w.isPresent()
          && new ProcessBuilder("kill", "-" + signal, Long.toString(w.get().pid()))
                  .start()
                  .waitFor()
              == 0;
    }

    /** The JVM of worker {@code i}, while it runs. */
    Optional<ProcessHandle> worker(int i) {
      return shell
          .descendants()
          .filter(
              h ->
                  h.info()
                      .arguments()
                      .map(
                          a ->
                              a.length > 1
                                  && a[a.length - 1].equals(Integer.toString(i))
                                  && a[a.length - 2].equals("--task-index"))
                      .orElse(false))
          .findFirst();
    }

    /** Waits (bounded) for worker {@code i}'s exit code; -1 when it did not end in time. */
    int awaitExit(int i, int seconds) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (exitCodes().get(i) < 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      return exitCodes().get(i);
    }

    List<Integer> exitCodes() throws Exception {
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Path rc = dir.resolve("w" + i + ".rc");
        String code = Files.exists(rc) ? Files.readString(rc).strip() : "";
        out.add(code.isEmpty() ? -1 : Integer.parseInt(code)); // empty: the shell is writing it
      }
      return out;
    }

    String log(int i) throws Exception {
      Path p = dir.resolve("w" + i + ".log");
      return Files.exists(p) ? Files.readString(p) : "";
    }

    String logs() {
      try {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
          out.append("worker ").append(i).append(":\n").append(tail(log(i))).append('\n');
        }
        return out.toString();
      } catch (Exception e) {
        return e.toString();
      }
    }

    /** The start and the end of a log, without gRPC's repeated detail lines. */
    private static String tail(String s) {
      String t =
          String.join(
              "\n",
              s.lines()
                  .filter(
                      l ->
                          !l.contains("grpc_status")
                              && !l.contains("Additional GRPC")
                              && !l.contains("could be from a previous"))
                  .toList());
      return t.length() > 4000
          ? t.substring(0, 2000) + "\n...\n" + t.substring(t.length() - 2000)
          : t;
    }

    private static String quote(String s) {
      return "'" + s.replace("'", "'\\''") + "'";
    }
  }
}
