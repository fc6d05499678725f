package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.SavedModelVerifier;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.DirectoryLock;
import org.sorcen.train.cli.SorcenCli;
import picocli.CommandLine;

/**
 * The hostile trials of a user, through the CLI as they ran them: each ends with the documented
 * exit code and one line, and no trial loses or half-writes a file. One finished run
 * ({@link FinishedRun}) is shared; trials that change it work on a copy.
 */
class RunFaultsTest {
  record Result(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  /** Runs {@code ./sorcen args} in this JVM; what the commands print to System.out/err is captured too. */
  static Result cli(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    System.setErr(new PrintStream(log, true));
    // Made after the swap: picocli's writers would otherwise end up on the original streams.
    CommandLine cli = SorcenCli.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    int code;
    try {
      code = cli.execute(args);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    return new Result(code, out + log.toString(), err.toString());
  }

  static String[] train(Path run, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "train",
                "--config",
                FinishedRun.CONFIG.toString(),
                "--data",
                FinishedRun.DATA.toString(),
                "--run-dir",
                run.toString(),
                "--set",
                "train.epochs=2",
                "--set",
                "train.checkpoint_every_steps=4"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  static Path copyOfFinished(Path tmp) throws IOException {
    return copyTree(FinishedRun.RUN, tmp.resolve("copy"));
  }

  static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
    return to;
  }

  static Path checkpoint(Path run, long step) {
    return new RunLayout(run).checkpoints().resolve(String.format("step-%09d", step));
  }

  static Path dataFile(Path checkpoint) {
    return checkpoint.resolve("ckpt.data-00000-of-00001");
  }

  static void flipByte(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x5a);
    }
  }

  /** loss/total per step from metrics.jsonl; a step logged twice keeps both values. */
  static Map<Long, List<Double>> losses(Path run) throws IOException {
    Map<Long, List<Double>> out = new TreeMap<>();
    for (String line : Files.readAllLines(new RunLayout(run).metrics())) {
      JsonNode n = new ObjectMapper().readTree(line);
      if (n.get("kind").asText().equals("train")) {
        out.computeIfAbsent(n.get("step").asLong(), k -> new ArrayList<>())
            .add(n.get("loss/total").asDouble());
      }
    }
    return out;
  }

  @Test
  void aSecondWriterOfARunDirectoryIsRefusedAtOnceNamingTheHolder(@TempDir Path tmp)
      throws IOException {
    Path run = copyOfFinished(tmp);
    long pid = ProcessHandle.current().pid();
    try (DirectoryLock held = DirectoryLock.acquire(run, "sorcen train (the test's)")) {
      for (String[] args :
          List.of(
              train(run),
              new String[] {
                "export", "--run", run.toString(), "--out", run.resolve("savedmodels").toString()
              },
              new String[] {
                "eval", "knn", "--run", run.toString(), "--json", run.resolve("knn.json").toString()
              })) {
        Result r = cli(args);
        assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(
            r.err().contains("is in use by pid " + pid + ", sorcen train (the test's)"), r.err());
      }
      assertFalse(Files.exists(run.resolve("knn.json")));
    }
    // Released (a crashed holder releases too: KillAndResumeTest resumes the run of a SIGKILLed
    // one).
    Result again =
        cli("eval", "knn", "--run", run.toString(), "--json", run.resolve("knn.json").toString());
    assertEquals(0, again.code(), again.err());
  }

  @Test
  void resumeFromFollowsTheConfigRuleAndRefusesBeforeWritingAnything(@TempDir Path tmp)
      throws IOException {
    Path from = checkpoint(FinishedRun.RUN, 8);
    Path wider = tmp.resolve("wider");
    Result shapes =
        cli(train(wider, "--set", "model.embed_dim=24", "--resume-from", from.toString()));
    assertEquals(2, shapes.code(), shapes.err());
    assertTrue(shapes.err().contains("model.embed_dim (was 16, now 24)"), shapes.err());
    assertFalse(Files.exists(wider), "nothing written before the refusal");

    Path otherLr = tmp.resolve("lr");
    Result lr =
        cli(train(otherLr, "--set", "optimizer.blr=3e-4", "--resume-from", from.toString()));
    assertEquals(2, lr.code(), lr.err());
    assertTrue(lr.err().contains("optimizer.blr"), lr.err());
    assertFalse(Files.exists(otherLr));

    Path missing = tmp.resolve("missing");
    Result none = cli(train(missing, "--resume-from", tmp.resolve("nonexistent").toString()));
    assertEquals(2, none.code(), none.err());
    assertEquals(1, none.errLines().size(), none.err());
    assertFalse(Files.exists(missing));

    // Observation-only fields may differ; the run continues from step 8 onto the same losses.
    Path same = tmp.resolve("same");
    Result ok =
        cli(train(same, "--set", "train.log_every_steps=2", "--resume-from", from.toString()));
    assertEquals(0, ok.code(), ok.err() + ok.out());
    Map<Long, List<Double>> reference = losses(FinishedRun.RUN);
    Map<Long, List<Double>> resumed = losses(same);
    assertEquals(List.of(10L, 12L), List.copyOf(resumed.keySet()));
    for (long step : resumed.keySet()) {
      assertEquals(reference.get(step), resumed.get(step), "step " + step);
    }
  }

  @Test
  void damageIsToldApartFromAnIntactCheckpointBeforeRestoring(@TempDir Path tmp)
      throws IOException {
    Path run = copyOfFinished(tmp);
    assertEquals(Optional.empty(), Checkpoints.damage(checkpoint(run, 12)));

    Path cut = checkpoint(run, 4);
    try (RandomAccessFile f = new RandomAccessFile(dataFile(cut).toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    assertTrue(
        Checkpoints.damage(cut).orElseThrow().contains("ckpt.data-00000-of-00001 has "), "cut");

    Path flipped = checkpoint(run, 8);
    flipByte(dataFile(flipped), Files.size(dataFile(flipped)) / 2);
    assertTrue(
        Checkpoints.damage(flipped).orElseThrow().contains("has changed since it was written"),
        "flipped");

    Path noIndex = checkpoint(run, 12);
    Files.delete(noIndex.resolve("ckpt.index"));
    assertEquals("ckpt.index is missing", Checkpoints.damage(noIndex).orElseThrow());

    // Nothing intact is left: the run refuses, naming what to do, and touches nothing.
    Result r = cli(train(run));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("every checkpoint in") && r.err().contains("is damaged"), r.err());
    assertTrue(
        Files.exists(noIndex),
        "damaged checkpoints are left where they are when the run is refused");
  }

  @Test
  void aDamagedLatestCheckpointIsNamedAndTheRunResumesFromTheNewestGoodOne(@TempDir Path tmp)
      throws IOException {
    Path run = copyOfFinished(tmp);
    Path latest = checkpoint(run, 12);
    flipByte(dataFile(latest), Files.size(dataFile(latest)) / 3);
    Files.writeString(
        new RunLayout(run).metrics(),
        "{\"kind\": \"train\", \"step\": 12, \"cut by a cra",
        StandardOpenOption.APPEND);

    Result r = cli(train(run));
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(
        r.out()
            .contains(
                latest + " is damaged (ckpt.data-00000-of-00001 has changed since it was written"),
        r.out());
    assertTrue(r.out().contains("resuming from " + checkpoint(run, 8)), r.out());
    assertTrue(
        Files.isDirectory(run.resolve("checkpoints/damaged-step-000000012")),
        "set aside for inspection");
    assertEquals(Optional.empty(), Checkpoints.damage(latest), "step 12 written again, intact");

    Map<Long, List<Double>> resumed = losses(run);
    Map<Long, List<Double>> reference = losses(FinishedRun.RUN);
    assertEquals(reference.keySet(), resumed.keySet());
    for (long step : reference.keySet()) {
      assertEquals(
          reference.get(step),
          resumed.get(step),
          "one row per step, equal to the uninterrupted run's");
    }
  }

  @Test
  void anInterruptedEndOfRunExportIsCompletedByTheSameCommand(@TempDir Path tmp)
      throws IOException {
    Path run = copyOfFinished(tmp);
    Path models = run.resolve("savedmodels");
    // What a kill during the export leaves: one model renamed, the other still a hidden temporary.
    AtomicFiles.deleteTree(models.resolve("sorcen-generator/12"));
    Files.createDirectories(models.resolve("sorcen-generator/.tmp-12/variables"));
    Files.writeString(models.resolve("sorcen-generator/.tmp-12/saved_model.pb"), "half");

    Result r = cli(train(run));
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("already complete at step 12"), r.out());
    assertTrue(r.out().contains("exported " + models.resolve("sorcen-generator/12")), r.out());
    assertFalse(
        r.out().contains("exported " + models.resolve("sorcen-encoder/12")),
        "the encoder was complete");
    assertFalse(Files.exists(models.resolve("sorcen-generator/.tmp-12")));
    assertEquals(List.of(), SavedModelVerifier.problems(models.resolve("sorcen-generator/12")));
    assertTrue(
        r.out().contains("eval/knn_top1 = "), "the figures of the finished run are printed again");

    Result done = cli(train(run));
    assertEquals(0, done.code());
    assertFalse(done.out().contains("exported "), "nothing left to export");
  }

  @Test
  void exportsAreAllOrNothingPerVersion(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("serving");
    Files.createDirectories(out.resolve("sorcen-generator/3"));
    Result taken =
        cli(
            "export",
            "--run",
            FinishedRun.RUN.toString(),
            "--out",
            out.toString(),
            "--version",
            "3");
    assertEquals(2, taken.code(), taken.err());
    assertTrue(
        taken.err().contains(out.resolve("sorcen-generator/3") + " already exist"), taken.err());
    assertFalse(
        Files.exists(out.resolve("sorcen-encoder/3")), "checked before anything is written");

    Result negative =
        cli(
            "export",
            "--run",
            FinishedRun.RUN.toString(),
            "--out",
            out.toString(),
            "--version",
            "-3");
    assertEquals(2, negative.code(), negative.err());
    assertFalse(Files.exists(out.resolve("sorcen-encoder/-3")));

    Result next = cli("export", "--run", FinishedRun.RUN.toString(), "--out", out.toString());
    assertEquals(0, next.code(), next.err() + next.out());
    assertTrue(
        Files.isDirectory(out.resolve("sorcen-encoder/4"))
            && Files.isDirectory(out.resolve("sorcen-generator/4")),
        "one version for the whole set, above the highest of any member");
  }

  @Test
  void everySplitIsVerifiedBeforeTheFirstStep(@TempDir Path tmp) throws IOException {
    Path broken = copyTree(FinishedRun.DATA, tmp.resolve("data"));
    Path testShard;
    try (Stream<Path> s = Files.list(broken)) {
      testShard =
          s.filter(p -> p.getFileName().toString().startsWith("test")).findFirst().orElseThrow();
    }
    flipByte(testShard, Files.size(testShard) - 3);
    Path run = tmp.resolve("run");
    String[] args = train(run);
    args[4] = broken.toString();
    Result r = cli(args);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(testShard.toString()), r.err());
    assertFalse(Files.exists(run), "refused before the run directory is made");
  }

  @Test
  void divergenceExitsThreeInBothMethodsWithTheStepTheLossesAndTheLastGoodCheckpoint(
      @TempDir Path tmp) {
    for (String method : List.of("sorcen", "mage")) {
      Result r =
          cli(
              train(
                  tmp.resolve(method),
                  "--set",
                  "method=" + method,
                  "--set",
                  "optimizer.blr=1e12",
                  "--set",
                  "optimizer.warmup_epochs=0"));
      assertEquals(3, r.code(), method + ": " + r.err());
      assertTrue(r.err().startsWith("stopped: non-finite loss at step "), r.err());
      assertTrue(
          r.err().contains("loss/total") && r.err().contains("the last good checkpoint is "),
          r.err());
      assertEquals(1, r.errLines().size(), r.err());
    }
  }

  @Test
  void aCorruptManifestIsOneLineWithoutParserNoise(@TempDir Path tmp) throws IOException {
    Path bad = tmp.resolve("bad");
    Files.createDirectories(bad);
    Files.writeString(
        bad.resolve("dataset.json"), "{\"format\": \"sorcen-token-dataset\",\n  \"grid\": 4,,}");
    String[] args = train(tmp.resolve("run"));
    args[4] = bad.toString();
    Result r = cli(args);
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains("malformed JSON at line 2, column"), r.err());
    assertFalse(r.err().contains("[Source") || r.err().contains("REDACTED"), r.err());
  }

  @Test
  void tokenizeIntoAnExistingOutIsRefusedBeforeReadingAnImage(@TempDir Path tmp)
      throws IOException {
    Path out = Files.createDirectories(tmp.resolve("tokens"));
    Result r =
        cli(
            "tokenize",
            "--tokenizer",
            tmp.resolve("no-tokenizer").toString(),
            "--images",
            tmp.resolve("no-images").toString(),
            "--out",
            out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(out + " already exists"), r.err());
  }
}
