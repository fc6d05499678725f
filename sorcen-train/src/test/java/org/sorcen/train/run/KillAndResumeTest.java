package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.pretrain.JobConfig;

/** SIGKILL a training process between checkpoints, resume it, and compare with an uninterrupted run. */
class KillAndResumeTest {
  /** 72 steps, 6 an epoch; a k-NN evaluation every epoch (before and after the resume). */
  static final Map<String, String> SETTINGS =
      Map.of("train.epochs", "12", "train.checkpoint_every_steps", "4", "eval.every_epochs", "1");

  @Test
  void aKilledRunResumesOntoTheSameLossesAsAnUninterruptedOne(@TempDir Path tmp) throws Exception {
    Path data = TrainerTest.dataset(tmp);
    Path configFile = tmp.resolve("config.json");
    Files.writeString(configFile, TrainerTest.CONFIG);

    Path killed = tmp.resolve("killed");
    Process p = startAndAwaitRows(configFile, data, killed, 10);
    Path metrics = new RunLayout(killed).metrics();
    assertTrue(
        p.isAlive(),
        "the run ended before it could be killed: " + lines(metrics) + " steps logged");
    p.destroyForcibly(); // SIGKILL: no handler, no final checkpoint
    p.waitFor(30, TimeUnit.SECONDS);
    Checkpoints.Sidecar checkpoint =
        Checkpoints.readSidecar(
            new Checkpoints(new RunLayout(killed).checkpoints(), 3).latest().orElseThrow());
    long resumedFrom = checkpoint.step();
    assertTrue(
        resumedFrom < lines(metrics), "killed between checkpoints: last checkpoint " + resumedFrom);

    // The killed process held the run directory's lock; the OS released it with the process.
    Process again = cli(configFile, data, killed).start();
    assertEquals(
        0, again.waitFor(180, TimeUnit.SECONDS) ? again.exitValue() : -1, "resumed run completes");

    JobConfig c = JobConfig.parse(TrainerTest.CONFIG, "t", SETTINGS);
    Path straight = tmp.resolve("straight");
    TrainerTest.train(c, data, straight);

    Map<Long, List<Double>> reference = losses(new RunLayout(straight).metrics());
    Map<Long, List<Double>> resumed = losses(metrics);
    assertEquals(72, reference.size());
    assertEquals(reference.keySet(), resumed.keySet());
    for (long step : reference.keySet()) {
      assertEquals(1, resumed.get(step).size(), "step " + step + " has one row after the resume");
      for (double v : resumed.get(step)) {
        assertEquals(
            reference.get(step).get(0),
            v,
            0.0,
            "step " + step + " (resumed from " + resumedFrom + ")");
      }
    }
    assertTrainTimeContinues(metrics, resumedFrom, checkpoint.trainSeconds());
  }

  /**
   * The run's training time (the k-NN curve's time axis) goes on from the checkpoint's across the
   * resume: the checkpoint carries its step's time, the resumed rows add to it, and every
   * evaluation row has the time of its step.
   */
  private static void assertTrainTimeContinues(Path metrics, long resumedFrom, Double atCheckpoint)
      throws Exception {
    Map<Long, Double> trainRows = new TreeMap<>();
    Map<Long, Double> evalRows = new TreeMap<>();
    for (String line : Files.readAllLines(metrics)) {
      JsonNode n = new ObjectMapper().readTree(line);
      String kind = n.get("kind").asText();
      if (kind.equals("train") || kind.equals("eval")) {
        assertTrue(n.has("train_seconds"), "a " + kind + " row without train_seconds: " + line);
        (kind.equals("train") ? trainRows : evalRows)
            .put(n.get("step").asLong(), n.get("train_seconds").asDouble());
      }
    }
    assertEquals(trainRows.get(resumedFrom), atCheckpoint, "the checkpoint's training time");
    double previous = 0;
    for (var row : trainRows.entrySet()) {
      assertTrue(
          row.getValue() > previous,
          "training time falls at step " + row.getKey() + " (resumed from " + resumedFrom + ")");
      previous = row.getValue();
    }
    assertTrue(
        evalRows.keySet().stream().anyMatch(step -> step <= resumedFrom)
            && evalRows.keySet().stream().anyMatch(step -> step > resumedFrom),
        "evaluations before and after the resume from " + resumedFrom + ": " + evalRows);
    evalRows.forEach(
        (step, seconds) -> assertEquals(trainRows.get(step), seconds, "eval row of step " + step));
  }

  /**
   * SIGINT is a request: the step ends, a checkpoint of it is written, and the process exits 130
   * (not 0, which would let {@code train && export} go on with an unfinished model).
   */
  @Test
  void anInterruptedRunWritesItsCheckpointAndExits130(@TempDir Path tmp) throws Exception {
    Path data = TrainerTest.dataset(tmp);
    Path configFile = tmp.resolve("config.json");
    Files.writeString(configFile, TrainerTest.CONFIG);
    Path run = tmp.resolve("stopped");
    Process p = startAndAwaitRows(configFile, data, run, 3);
    Path metrics = new RunLayout(run).metrics();
    assertTrue(p.isAlive(), "the run ended before it could be interrupted");
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    assertEquals(130, p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1, log(run));
    long checkpointed =
        Checkpoints.readSidecar(
                new Checkpoints(new RunLayout(run).checkpoints(), 3).latest().orElseThrow())
            .step();
    assertEquals(lines(metrics), checkpointed, "the checkpoint is of the last logged step");
    assertTrue(log(run).contains("SIGINT at step " + checkpointed), log(run));
  }

  /** {@code train} started, once it has logged {@code rows} steps (or ended, or 120 s passed). */
  private static Process startAndAwaitRows(Path config, Path data, Path run, long rows)
      throws Exception {
    Process p = cli(config, data, run).start();
    Path metrics = new RunLayout(run).metrics();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (lines(metrics) < rows && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return p;
  }

  private static String log(Path run) throws Exception {
    return Files.readString(run.resolveSibling(run.getFileName() + ".log"));
  }

  private static ProcessBuilder cli(Path config, Path data, Path run) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.sorcen.train.cli.SorcenCli",
                "train",
                "--config",
                config.toString(),
                "--data",
                data.toString(),
                "--run-dir",
                run.toString()));
    SETTINGS.forEach(
        (k, v) -> {
          cmd.add("--set");
          cmd.add(k + "=" + v);
        });
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(run.resolveSibling(run.getFileName() + ".log").toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    return pb;
  }

  private static long lines(Path file) throws Exception {
    return Files.exists(file)
        ? Files.readAllLines(file).stream().filter(l -> l.contains("\"train\"")).count()
        : 0;
  }

  /** Total loss per step; a step logged twice (before the kill and after the resume) keeps both. */
  private static Map<Long, List<Double>> losses(Path metrics) throws Exception {
    Map<Long, List<Double>> out = new TreeMap<>();
    for (String line : Files.readAllLines(metrics)) {
      JsonNode n = new ObjectMapper().readTree(line);
      if (n.get("kind").asText().equals("train")) {
        out.computeIfAbsent(n.get("step").asLong(), k -> new ArrayList<>())
            .add(n.get("loss/total").asDouble());
      }
    }
    return out;
  }
}
