package org.sorcen.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.graph.config.ConfigException;

/**
 * Training time to a fixed k-NN on synthetic run directories whose step times are known: run A
 * trains at 64 samples/s (1 s per step of 64), run B at 32 (2 s per step); each evaluates k-NN at
 * steps 20 and 40 after its reference point at step 0.
 */
public class TimeToKnnTest {
  static final String CONFIG = "{\"name\": \"r\", \"train\": {\"batch_size\": 64}}";

  /** A run directory with a config of batch 64 and k-NN at steps 0, 20 and 40. */
  public static Path run(Path dir, double samplesPerSecond, double init, double at20, double at40)
      throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"), CONFIG);
    StringBuilder m = new StringBuilder();
    m.append("{\"kind\": \"reference\", \"step\": 0, \"knn/init\": ").append(init).append("}\n");
    for (int step = 10; step <= 40; step += 10) {
      m.append("{\"kind\": \"train\", \"step\": ")
          .append(step)
          .append(", \"samples_per_second\": ")
          .append(samplesPerSecond)
          .append(", \"loss/total\": 1.0}\n");
      if (step == 20 || step == 40) {
        m.append("{\"kind\": \"eval\", \"step\": ")
            .append(step)
            .append(", \"eval/knn_top1\": ")
            .append(step == 20 ? at20 : at40)
            .append("}\n");
      }
    }
    Files.writeString(dir.resolve("metrics.jsonl"), m.toString());
    return dir;
  }

  @Test
  void interpolatesTheTimeToTheTargetAndTheRatio(@TempDir Path tmp) throws Exception {
    Path a = run(tmp.resolve("a"), 64, 0.2, 0.4, 0.6);
    Path b = run(tmp.resolve("b"), 32, 0.2, 0.3, 0.55);

    // 0.5: A between 20 s (0.4) and 40 s (0.6) -> 30 s; B between 40 s (0.3) and 80 s (0.55) -> 72
    // s.
    TimeToKnn.Comparison c = TimeToKnn.compareRuns(List.of(a, b), 0.5, false);
    assertEquals(0.5, c.target());
    assertFalse(c.defaultTarget());
    assertEquals(0.5, c.runs().get(0).minutes(), 1e-9);
    assertEquals(1.2, c.runs().get(1).minutes(), 1e-9);
    assertEquals(140.0, c.percentMoreEfficient(0, 1), 1e-9);
    assertEquals(40, c.runs().get(1).lastStep());
    assertEquals(0.55, c.runs().get(1).best(), 1e-12);

    // Default: the highest k-NN both reach, B's best 0.55 -> A at 35 s, B at its step 40, 80 s.
    TimeToKnn.Comparison d = TimeToKnn.compareRuns(List.of(a, b), null, false);
    assertEquals(0.55, d.target(), 1e-12);
    assertTrue(d.defaultTarget());
    assertEquals(35.0 / 60, d.runs().get(0).minutes(), 1e-9);
    assertEquals(80.0 / 60, d.runs().get(1).minutes(), 1e-9);

    // Above B's best: B never reaches it, no ratio; at or below the start: time 0.
    TimeToKnn.Comparison e = TimeToKnn.compareRuns(List.of(a, b), 0.58, false);
    assertTrue(e.runs().get(0).reached());
    assertFalse(e.runs().get(1).reached());
    assertTrue(Double.isNaN(e.percentMoreEfficient(0, 1)));
    assertEquals(0.0, TimeToKnn.compareRuns(List.of(a, b), 0.1, false).runs().get(1).minutes());
  }

  @Test
  void readsEachRunsKnnAtTheTrainingTimeBothReach(@TempDir Path tmp) throws Exception {
    // A ends at 40 s, B at 80 s: equal time 40 s, A's last evaluation (0.6) against B's at its
    // step 20 (0.3).
    Path a = run(tmp.resolve("a"), 64, 0.2, 0.4, 0.6);
    Path b = run(tmp.resolve("b"), 32, 0.2, 0.3, 0.55);
    TimeToKnn.Comparison c = TimeToKnn.compareRuns(List.of(a, b), null, false);
    assertEquals(40.0 / 60, c.equalMinutes(), 1e-12);
    assertEquals(0.6, c.runs().get(0).knnAtEqualTime(), 1e-12);
    assertEquals(0.3, c.runs().get(1).knnAtEqualTime(), 1e-12);

    List<TrainingCurve.Point> curve =
        List.of(
            new TrainingCurve.Point(0, 0, 0.2),
            new TrainingCurve.Point(20, 1, 0.3),
            new TrainingCurve.Point(40, 2, 0.55));
    assertEquals(0.2, TimeToKnn.knnAt(curve, 0), 1e-12);
    assertEquals(0.275, TimeToKnn.knnAt(curve, 0.75), 1e-12);
    assertEquals(0.425, TimeToKnn.knnAt(curve, 1.5), 1e-12);
    assertEquals(0.55, TimeToKnn.knnAt(curve, 2), 1e-12);
    assertTrue(Double.isNaN(TimeToKnn.knnAt(curve, 2.5)), "past the last evaluation");
  }

  @Test
  void afterTheTroughTimesTheClimbBackNotTheInitialEncoder(@TempDir Path tmp) throws Exception {
    // Both fall below their initial 0.6 and climb: A (1 s/step) 0.6, 0.3, 0.5 at 0, 20, 40 s; B
    // (2 s/step) 0.6, 0.4, 0.45 at 0, 40, 80 s.
    Path a = run(tmp.resolve("a"), 64, 0.6, 0.3, 0.5);
    Path b = run(tmp.resolve("b"), 32, 0.6, 0.4, 0.45);
    // From step 0 a target of 0.42 is the initial encoder's, at time 0 for both.
    TimeToKnn.Comparison fromStart = TimeToKnn.compareRuns(List.of(a, b), 0.42, false);
    assertEquals(0.0, fromStart.runs().get(0).minutes());
    assertTrue(Double.isNaN(fromStart.percentMoreEfficient(0, 1)));

    // After the trough: A climbs from 0.3 at 20 s to 0.5 at 40 s -> 0.42 at 32 s; B from 0.4 at
    // 40 s to 0.45 at 80 s -> 56 s. B needs 1.75x A's time.
    TimeToKnn.Comparison climb = TimeToKnn.compareRuns(List.of(a, b), 0.42, true);
    assertTrue(climb.afterTrough());
    assertEquals(32.0 / 60, climb.runs().get(0).minutes(), 1e-9);
    assertEquals(56.0 / 60, climb.runs().get(1).minutes(), 1e-9);
    assertEquals(75.0, climb.percentMoreEfficient(0, 1), 1e-9);
    assertEquals(0.6, climb.runs().get(0).best(), 1e-12, "best stays the whole curve's");

    // Default target after the trough: the highest both reach from their lows, B's 0.45.
    TimeToKnn.Comparison deflt = TimeToKnn.compareRuns(List.of(a, b), null, true);
    assertEquals(0.45, deflt.target(), 1e-12);
    assertEquals(80.0 / 60, deflt.runs().get(1).minutes(), 1e-9);

    // A target the trough already meets is reached at the trough, not before it.
    List<TrainingCurve.Point> curve =
        List.of(
            new TrainingCurve.Point(0, 0, 0.6),
            new TrainingCurve.Point(20, 1, 0.3),
            new TrainingCurve.Point(40, 2, 0.5));
    assertEquals(curve.subList(1, 3), TimeToKnn.searched(curve, true));
    assertEquals(1.0, TimeToKnn.minutes(TimeToKnn.searched(curve, true), 0.2), 1e-12);
    assertTrue(
        Double.isNaN(TimeToKnn.minutes(TimeToKnn.searched(curve, true), 0.55)),
        "never back to 0.55");
  }

  @Test
  void aRunWithoutKnnDuringTrainingOrNotARunIsRefused(@TempDir Path tmp) throws Exception {
    Path a = run(tmp.resolve("a"), 64, 0.2, 0.4, 0.6);
    Path bare = tmp.resolve("bare");
    Files.createDirectories(bare);
    Files.writeString(bare.resolve("config.json"), CONFIG);
    Files.writeString(
        bare.resolve("metrics.jsonl"),
        "{\"kind\": \"reference\", \"step\": 0, \"knn/init\": 0.2}\n");
    ConfigException noKnn =
        assertThrows(
            ConfigException.class, () -> TimeToKnn.compareRuns(List.of(a, bare), null, false));
    assertTrue(noKnn.getMessage().contains("eval.every_epochs"), noKnn.getMessage());
    ConfigException notRun =
        assertThrows(
            ConfigException.class,
            () -> TimeToKnn.compareRuns(List.of(a, tmp.resolve("missing")), null, false));
    assertTrue(notRun.getMessage().contains("is not a run directory"), notRun.getMessage());
  }
}
