package org.sorcen.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.importers.IdxWriter;

/**
 * The kill-and-resume pattern of run.KillAndResumeTest for the CLI's other trainers: run
 * {@code ./sorcen} as a child JVM, SIGKILL it once its metrics log holds some rows, run the same
 * command again, and read every step's loss.
 */
public final class KilledRun {
  private KilledRun() {}

  /** {@code ./sorcen args...} as a child process; its output goes to {@code log}. */
  public static ProcessBuilder cli(Path log, List<String> args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.sorcen.train.cli.SorcenCli"));
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    return pb;
  }

  /** Runs to the end; fails with the output when the exit code is not 0. */
  public static void complete(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    boolean ended = p.waitFor(300, TimeUnit.SECONDS);
    int code = ended ? p.exitValue() : -1;
    assertEquals(0, code, () -> "exit " + code + ":\n" + output(pb));
  }

  /** Starts {@code pb}, SIGKILLs it once {@code metrics} holds {@code rows} train rows; returns the rows then. */
  public static long killAfter(ProcessBuilder pb, Path metrics, int rows) throws Exception {
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (rows(metrics) < rows && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    assertTrue(
        p.isAlive(),
        "the run ended before it could be killed: " + rows(metrics) + " rows\n" + output(pb));
    p.destroyForcibly(); // SIGKILL: no handler, no final checkpoint
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return rows(metrics);
  }

  /** {@code key} per step of the train rows; a step logged twice keeps both values. */
  public static Map<Long, List<Double>> values(Path metrics, String key) throws Exception {
    Map<Long, List<Double>> out = new TreeMap<>();
    for (String line : Files.readAllLines(metrics)) {
      JsonNode n = new ObjectMapper().readTree(line);
      if (n.get("kind").asText().equals("train")) {
        out.computeIfAbsent(n.get("step").asLong(), k -> new ArrayList<>())
            .add(n.get(key).asDouble());
      }
    }
    return out;
  }

  /** Every step of {@code straight} once in {@code resumed}, with exactly the same value. */
  public static void assertSameSteps(
      Map<Long, List<Double>> straight, Map<Long, List<Double>> resumed, String why) {
    assertEquals(straight.keySet(), resumed.keySet(), why);
    for (long step : straight.keySet()) {
      assertEquals(1, resumed.get(step).size(), "step " + step + " has one row after the resume");
      assertEquals(
          straight.get(step).get(0), resumed.get(step).get(0), 0.0, "step " + step + " " + why);
    }
  }

  /** {@code train} and {@code test} as the IDX files the image commands read. */
  public static Path idx(Path dir, ImageSet train, ImageSet test) {
    IdxWriter.write(
        train,
        dir.resolve("train-images-idx3-ubyte.gz"),
        dir.resolve("train-labels-idx1-ubyte.gz"));
    IdxWriter.write(
        test, dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
    return dir;
  }

  private static long rows(Path metrics) throws Exception {
    try {
      return Files.exists(metrics)
          ? Files.readAllLines(metrics).stream().filter(l -> l.contains("\"train\"")).count()
          : 0;
    } catch (UncheckedIOException | MalformedInputException e) {
      return 0; // read mid-write
    }
  }

  private static String output(ProcessBuilder pb) {
    try {
      return Files.readString(pb.redirectOutput().file().toPath());
    } catch (Exception e) {
      return "(no output: " + e + ")";
    }
  }
}
