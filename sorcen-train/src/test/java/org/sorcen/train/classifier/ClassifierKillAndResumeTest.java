package org.sorcen.train.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.eval.TinyClassifier;
import org.sorcen.train.loop.KilledRun;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.RunLayout;

/** SIGKILL classifier-train between checkpoints, run it again, and compare with an uninterrupted run. */
class ClassifierKillAndResumeTest {
  @Test
  void aKilledClassifierRunResumesOntoTheSameLossesWeightsAndAccuracy(@TempDir Path tmp)
      throws Exception {
    Path images =
        KilledRun.idx(
            Files.createDirectories(tmp.resolve("images")),
            TinyClassifier.squares(64, 1),
            TinyClassifier.squares(32, 2));

    Path killed = tmp.resolve("killed");
    Path metrics = new RunLayout(killed).metrics();
    long rows =
        KilledRun.killAfter(
            KilledRun.cli(tmp.resolve("killed.log"), args(images, killed)), metrics, 12);
    long resumedFrom = Checkpoints.readSidecar(last(killed)).step();
    assertTrue(
        resumedFrom > 0 && resumedFrom <= rows,
        "killed after a checkpoint: " + resumedFrom + ", " + rows);
    assertTrue(!Files.exists(killed.resolve("model")), "killed before the export");

    KilledRun.complete(KilledRun.cli(tmp.resolve("resumed.log"), args(images, killed)));
    assertTrue(Files.readString(tmp.resolve("resumed.log")).contains("resuming from "));
    Path straight = tmp.resolve("straight");
    KilledRun.complete(KilledRun.cli(tmp.resolve("straight.log"), args(images, straight)));

    for (String key : List.of("loss", "accuracy")) {
      var reference = KilledRun.values(new RunLayout(straight).metrics(), key);
      assertEquals(160, reference.size());
      KilledRun.assertSameSteps(
          reference, KilledRun.values(metrics, key), key + " (resumed from " + resumedFrom + ")");
    }
    assertEquals(
        Checkpoints.readSidecar(last(straight)).files(),
        Checkpoints.readSidecar(last(killed)).files(),
        "the final weights, byte for byte");
    assertEquals(accuracy(straight), accuracy(killed), 0.0);
  }

  private static List<String> args(Path images, Path run) {
    return List.of(
        "classifier-train",
        "--images",
        images.toString(),
        "--out",
        run.resolve("model").toString(),
        "--run-dir",
        run.toString(),
        "--epochs",
        "40",
        "--batch-size",
        "16",
        "--seed",
        "1",
        "--threads",
        "1",
        "--log-every-steps",
        "1",
        "--checkpoint-every-steps",
        "5");
  }

  private static Path last(Path run) {
    return new Checkpoints(new RunLayout(run).checkpoints(), 3).latest().orElseThrow();
  }

  private static double accuracy(Path run) throws Exception {
    return new ObjectMapper()
        .readTree(run.resolve("model").resolve(ClassifierExporter.METADATA).toFile())
        .get("test_accuracy")
        .asDouble();
  }
}
