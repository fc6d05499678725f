package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.TfRecordReader;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDatasetWriter;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.pretrain.Trainer;
import org.sorcen.train.session.SessionSettings;
import org.tensorflow.proto.Event;

class TrainerTest {
  static final String CONFIG =
      """
      {"name": "trainer-test",
       "model": {"grid": 4, "codebook_size": 32, "embed_dim": 16, "depth": 1, "num_heads": 2,
                 "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2,
                 "projector_hidden_dim": 32, "projector_dim": 16, "predictor_hidden_dim": 32,
                 "classifier_hidden_dim": 16, "num_classes": 3},
       "echo": {"warmup_epochs": 1}, "optimizer": {"warmup_epochs": 1},
       "train": {"batch_size": 8, "epochs": 3, "seed": 5, "log_every_steps": 1},
       "eval": {"knn_k": 5}}
      """;

  /** A dataset whose rows depend on their class, so that k-NN has something to find. */
  static Path dataset(Path dir) {
    Path out = dir.resolve("data");
    TokenDatasetWriter.write(
        out,
        4,
        32,
        List.of("a", "b", "c"),
        null,
        List.of(
            new TokenDatasetWriter.SplitRows("train", rows(48, 0)),
            new TokenDatasetWriter.SplitRows("test", rows(12, 1))),
        false);
    return out;
  }

  static TokenArrays rows(int n, int salt) {
    long[] ids = new long[n * 16];
    long[] labels = new long[n];
    Random r = new Random(salt);
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      for (int j = 0; j < 16; j++) {
        ids[i * 16 + j] = r.nextInt(4) + 10 * labels[i];
      }
    }
    return new TokenArrays(n, 16, ids, labels, List.of("a", "b", "c"));
  }

  static Trainer.Outcome train(JobConfig c, Path data, Path run) {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    return new Trainer(
            new Trainer.Options(c, data, run, null, null, SessionSettings.defaults(), null),
            quiet,
            new StopRequest())
        .run();
  }

  @Test
  void aRunWritesConfigMetricsEventsAndCheckpointsAndResumesToTheEnd(@TempDir Path tmp)
      throws Exception {
    Path data = dataset(tmp);
    Path run = tmp.resolve("run");
    JobConfig c = JobConfig.parse(CONFIG, "t", Map.of());
    Trainer.Outcome out = train(c, data, run);
    assertEquals(18, out.totalSteps(), "48 records / batch 8 × 3 epochs");
    assertEquals(18, out.step());
    assertTrue(out.evaluation().containsKey("eval/knn_top1"));
    RunLayout layout = new RunLayout(run);
    assertEquals(ConfigLoader.toJson(c), Files.readString(layout.config()));

    List<JsonNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(layout.metrics())) {
      lines.add(new ObjectMapper().readTree(l));
    }
    assertEquals(
        1 + 18 + 1, lines.size(), "the reference points, one line per step and one evaluation");
    JsonNode reference = lines.get(0);
    assertEquals("reference", reference.get("kind").asText());
    assertEquals(0, reference.get("step").asInt());
    assertTrue(
        reference.has("knn/init") && reference.has("knn/bag_of_tokens"), reference.toString());
    assertFalse(reference.has("knn/pixels"), "the dataset names no source images: " + reference);
    assertEquals(
        reference.get("knn/init").asDouble(),
        out.evaluation().get("knn/init"),
        "the final evaluation carries the reference points beside the trained k-NN");
    assertEquals(1, lines.get(1).get("step").asInt());
    assertTrue(lines.get(1).has("loss/contrastive") && lines.get(1).has("samples_per_second"));

    Set<String> tags = new HashSet<>();
    try (Stream<Path> files = Files.list(layout.events())) {
      for (Path f : files.toList()) {
        try (TfRecordReader r = new TfRecordReader(f)) {
          for (byte[] b = r.next(); b != null; b = r.next()) {
            Event e = Event.parseFrom(b);
            e.getSummary().getValueList().forEach(v -> tags.add(v.getTag()));
          }
        }
      }
    }
    for (String tag :
        List.of(
            "loss/total",
            "loss/reconstruction",
            "loss/uniformity",
            "loss/contrastive",
            "loss/classifier",
            "classifier/accuracy",
            "lr",
            "ema/beta",
            "samples_per_second",
            "train_seconds",
            "eval/knn_top1")) {
      assertTrue(tags.contains(tag), "TensorBoard tag " + tag + " in " + tags);
    }
    Path ckpt = new Checkpoints(layout.checkpoints(), 3).latest().orElseThrow();
    assertEquals(18, Checkpoints.readSidecar(ckpt).step());

    // Running again resumes from the final checkpoint and has nothing left to do.
    Trainer.Outcome again = train(c, data, run);
    assertEquals(18, again.step());
    assertFalse(again.interrupted());
    assertEquals(
        out.evaluation(),
        again.evaluation(),
        "the finished run reports its final evaluation's figures (the row's training time is not one)");
  }

  @Test
  void badRunsAreRefusedWithWhatToChange(@TempDir Path tmp) {
    Path data = dataset(tmp);
    JobConfig big = JobConfig.parse(CONFIG, "t", Map.of("train.batch_size", "64"));
    DataException e = assertThrows(DataException.class, () -> train(big, data, tmp.resolve("r1")));
    assertTrue(e.getMessage().contains("larger than the 48 records"), e.getMessage());

    JobConfig wrongGrid = JobConfig.parse(CONFIG, "t", Map.of("model.grid", "8"));
    DataException g =
        assertThrows(DataException.class, () -> train(wrongGrid, data, tmp.resolve("r2")));
    assertTrue(
        g.getMessage().contains("model.grid is 8 but the dataset's grid is 4"), g.getMessage());

    JobConfig c = JobConfig.parse(CONFIG, "t", Map.of("train.epochs", "1"));
    train(c, data, tmp.resolve("r3"));
    JobConfig other =
        JobConfig.parse(CONFIG, "t", Map.of("train.epochs", "1", "optimizer.blr", "3e-4"));
    ConfigException diff =
        assertThrows(ConfigException.class, () -> train(other, data, tmp.resolve("r3")));
    assertTrue(diff.getMessage().contains("optimizer.blr"), diff.getMessage());
  }
}
