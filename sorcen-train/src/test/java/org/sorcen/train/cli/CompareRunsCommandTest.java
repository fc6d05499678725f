package org.sorcen.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.experiment.TimeToKnnTest;

/** {@code ./sorcen compare-runs} on the synthetic runs of {@link TimeToKnnTest}: A 1 s per step, B 2 s. */
class CompareRunsCommandTest {
  @Test
  void printsBothRunsAndTheRatioBesideThePapers(@TempDir Path tmp) throws Exception {
    Path a = TimeToKnnTest.run(tmp.resolve("a"), 64, 0.2, 0.4, 0.6);
    Path b = TimeToKnnTest.run(tmp.resolve("b"), 32, 0.2, 0.3, 0.55);
    BenchEfficiencyTest.Out r = cli("compare-runs", a.toString(), b.toString(), "--knn", "0.5");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("# k-NN top-1 target 50.0%;"), r.out());
    assertTrue(
        r.out()
            .lines()
            .anyMatch(
                l -> l.startsWith(a.toString()) && l.contains(" 0.50 ") && l.contains("60.0%")),
        r.out());
    assertTrue(
        r.out()
            .lines()
            .anyMatch(
                l -> l.startsWith(b.toString()) && l.contains(" 1.20 ") && l.contains("55.0%")),
        r.out());
    assertTrue(
        r.out()
            .contains(
                "needs 2.40x the training time of " + a + ": " + a + " is +140.0% more efficient"),
        r.out());
    assertTrue(r.out().contains("paper: Sorcen 60.8% more efficient than MAGE"), r.out());

    BenchEfficiencyTest.Out above =
        cli("compare-runs", a.toString(), b.toString(), "--knn", "0.58");
    assertEquals(0, above.code(), above.err());
    assertTrue(
        above.out().contains("not reached") && above.out().contains("# no ratio"), above.out());

    // Both runs fall below their initial k-NN (a short run's first epochs): the highest k-NN both
    // reach is the initial one, at time 0, which is no ratio and says why.
    Path c = TimeToKnnTest.run(tmp.resolve("c"), 64, 0.6, 0.5, 0.4);
    Path d = TimeToKnnTest.run(tmp.resolve("d"), 32, 0.6, 0.45, 0.42);
    BenchEfficiencyTest.Out falling = cli("compare-runs", c.toString(), d.toString());
    assertEquals(0, falling.code(), falling.err());
    assertTrue(
        falling.out().contains("# no ratio: " + c + " reaches the target at time 0"),
        falling.out());
    // Still comparable at equal training time: 40 s, C's end (0.4) against D's step 20 (0.45).
    assertTrue(
        falling
            .out()
            .contains(
                "# at equal training time, 0.67 min (the shorter run's last evaluation): "
                    + c
                    + " 40.0%, "
                    + d
                    + " 45.0%"),
        falling.out());
    assertTrue(falling.out().contains("give --knn above it, or --after-trough"), falling.out());

    // Falling then climbing: timed after each run's trough, a target below the initial k-NN
    // gives a ratio (A climbs 0.3 -> 0.5 over 20-40 s: 0.42 at 32 s; B 0.4 -> 0.45 over 40-80 s:
    // 56 s).
    Path e = TimeToKnnTest.run(tmp.resolve("e"), 64, 0.6, 0.3, 0.5);
    Path f = TimeToKnnTest.run(tmp.resolve("f"), 32, 0.6, 0.4, 0.45);
    BenchEfficiencyTest.Out climb =
        cli("compare-runs", e.toString(), f.toString(), "--knn", "0.42", "--after-trough");
    assertEquals(0, climb.code(), climb.err());
    assertTrue(
        climb
            .out()
            .contains(
                "# k-NN top-1 target 42.0%, first reached after each run's lowest k-NN evaluation;"),
        climb.out());
    assertTrue(
        climb.out().contains("needs 1.75x the training time of " + e + ": " + e + " is +75.0%"),
        climb.out());
  }

  @Test
  void badInputIsOneLineAndExitTwo(@TempDir Path tmp) throws Exception {
    Path a = TimeToKnnTest.run(tmp.resolve("a"), 64, 0.2, 0.4, 0.6);
    BenchEfficiencyTest.Out missing =
        cli("compare-runs", a.toString(), tmp.resolve("nope").toString());
    assertEquals(2, missing.code());
    assertEquals(1, missing.err().lines().count(), missing.err());
    assertTrue(missing.err().contains("is not a run directory"), missing.err());
    BenchEfficiencyTest.Out knn = cli("compare-runs", a.toString(), a.toString(), "--knn", "55");
    assertEquals(2, knn.code());
    assertTrue(
        knn.err().startsWith("error: --knn must be a fraction in (0, 1], got 55.0"), knn.err());
  }

  static BenchEfficiencyTest.Out cli(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      picocli.CommandLine cmd = SorcenCli.commandLine();
      cmd.setErr(new PrintWriter(err, true));
      int code = cmd.execute(args);
      return new BenchEfficiencyTest.Out(
          code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(old);
    }
  }
}
