package org.sorcen.train.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.loop.KilledRun;
import org.sorcen.train.run.Checkpoints;

/** SIGKILL tokenizer-train between checkpoints, run it again, and compare with an uninterrupted run. */
class TokenizerKillAndResumeTest {
  @Test
  void aKilledTokenizerRunResumesOntoTheSameLossesWeightsAndFigures(@TempDir Path tmp)
      throws Exception {
    Path images =
        KilledRun.idx(
            Files.createDirectories(tmp.resolve("images")),
            TinyTokenizer.images(64, 1),
            TinyTokenizer.images(16, 2));
    Path config = tmp.resolve("tiny.json");
    Files.writeString(config, TinyTokenizer.JSON);

    Path killed = tmp.resolve("killed");
    Path metrics = killed.resolve("checkpoints").resolve(TokenizerTrainer.METRICS);
    long rows =
        KilledRun.killAfter(
            KilledRun.cli(tmp.resolve("killed.log"), args(images, config, killed)), metrics, 12);
    Checkpoints checkpoints = new Checkpoints(killed.resolve("checkpoints"), 3);
    long resumedFrom = Checkpoints.readSidecar(checkpoints.latest().orElseThrow()).step();
    assertTrue(
        resumedFrom > 0 && resumedFrom <= rows,
        "killed after a checkpoint: " + resumedFrom + ", " + rows);
    assertTrue(!Files.exists(killed.resolve("saved_model.pb")), "killed before the export");

    KilledRun.complete(KilledRun.cli(tmp.resolve("resumed.log"), args(images, config, killed)));
    assertTrue(Files.readString(tmp.resolve("resumed.log")).contains("resuming from "));
    Path straight = tmp.resolve("straight");
    KilledRun.complete(KilledRun.cli(tmp.resolve("straight.log"), args(images, config, straight)));

    var reference =
        KilledRun.values(straight.resolve("checkpoints").resolve(TokenizerTrainer.METRICS), "loss");
    assertEquals(160, reference.size());
    KilledRun.assertSameSteps(
        reference, KilledRun.values(metrics, "loss"), "(resumed from " + resumedFrom + ")");
    assertEquals(
        Checkpoints.readSidecar(last(straight)).files(),
        Checkpoints.readSidecar(last(killed)).files(),
        "the final weights, byte for byte");
    assertEquals(figures(straight), figures(killed));
  }

  private static List<String> args(Path images, Path config, Path out) {
    return new ArrayList<>(
        List.of(
            "tokenizer-train",
            "--images",
            images.toString(),
            "--config",
            config.toString(),
            "--out",
            out.toString(),
            "--threads",
            "1",
            "--set",
            "train.epochs=40",
            "--set",
            "train.log_every_steps=1",
            "--set",
            "train.checkpoint_every_steps=5"));
  }

  private static Path last(Path out) {
    return new Checkpoints(out.resolve("checkpoints"), 3).latest().orElseThrow();
  }

  /** The test-set figures of assets.extra/evaluation.json, without the wall time. */
  private static JsonNode figures(Path out) throws Exception {
    ObjectNode n =
        (ObjectNode)
            new ObjectMapper().readTree(out.resolve("assets.extra/evaluation.json").toFile());
    n.remove("training_seconds");
    n.remove("training_steps"); // this process's steps: fewer after a resume
    return n;
  }
}
