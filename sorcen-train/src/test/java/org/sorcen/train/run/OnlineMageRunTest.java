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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.pretrain.Trainer;
import org.sorcen.train.session.SessionSettings;

/**
 * Official MAGE's online tokenization as a run (train.input "images"): the embedded slice's raw
 * images cropped, flipped and tokenized by the embedded tokenizer inside every step, at width 16.
 * It checkpoints, and a run resumed from a mid-run checkpoint draws the same crops, masks and
 * batches as the uninterrupted one, so every logged loss after the resume is identical.
 */
class OnlineMageRunTest {
  static final Path ROOT = Path.of("..");
  static final Path TOKENS = ROOT.resolve("data/fashion-mnist-slice/tokens");
  static final Path IMAGES = ROOT.resolve("data/fashion-mnist-slice/images");
  static final Path TOKENIZER = ROOT.resolve("savedmodels/tokenizer-fashion-mnist/1");

  /** 6000 images / batch 8 = 750 steps per epoch; 0.016 epochs = 12 steps. */
  static final String CONFIG =
      """
      {"name": "mage-online-test", "method": "mage",
       "model": {"grid": 8, "codebook_size": 512, "embed_dim": 16, "depth": 1, "num_heads": 2,
                 "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2,
                 "classifier_hidden_dim": 16, "num_classes": 10},
       "optimizer": {"warmup_epochs": 0.004, "blr": 0.01},
       "train": {"batch_size": 8, "epochs": 0.016, "seed": 3, "log_every_steps": 1, "checkpoint_every_steps": 4,
                 "keep_checkpoints": 10, "input": "images"},
       "eval": {"knn_k": 5, "knn_train_rows": 500}}
      """;

  static Trainer.Outcome train(
      JobConfig c, Path run, Path resumeFrom, Path images, Path tokenizer) {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    return new Trainer(
            new Trainer.Options(
                c,
                TOKENS,
                run,
                resumeFrom,
                null,
                SessionSettings.defaults(),
                tokenizer,
                null,
                images),
            quiet,
            new StopRequest())
        .run();
  }

  static Map<Long, Map<String, Double>> losses(Path run) throws Exception {
    Map<Long, Map<String, Double>> out = new TreeMap<>();
    for (String line : Files.readAllLines(new RunLayout(run).metrics())) {
      JsonNode n = new ObjectMapper().readTree(line);
      if (!n.get("kind").asText().equals("train")) {
        continue;
      }
      Map<String, Double> v = new LinkedHashMap<>();
      n.fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().startsWith("loss/")
                    || e.getKey().equals("grad_norm")
                    || e.getKey().startsWith("classifier/")) {
                  v.put(e.getKey(), e.getValue().asDouble());
                }
              });
      out.put(n.get("step").asLong(), v);
    }
    return out;
  }

  @Test
  void anOnlineRunTrainsAndAResumedOneReproducesItsLosses(@TempDir Path tmp) throws Exception {
    JobConfig c = JobConfig.parse(CONFIG, "t", Map.of());
    Path straight = tmp.resolve("straight");
    Trainer.Outcome out = train(c, straight, null, IMAGES, TOKENIZER);
    assertEquals(12, out.totalSteps());
    assertEquals(12, out.step());
    assertTrue(out.evaluation().containsKey("eval/knn_top1"), out.evaluation().toString());
    JsonNode info = new ObjectMapper().readTree(new RunLayout(straight).runInfo().toFile());
    assertTrue(info.get("images").asText().endsWith("images"), info.toString());

    Map<Long, Map<String, Double>> reference = losses(straight);
    assertEquals(12, reference.size());
    assertTrue(
        reference.values().stream().map(m -> m.get("loss/reconstruction")).distinct().count() > 6,
        "every step its own crops and masks: " + reference);

    Path mid =
        new Checkpoints(new RunLayout(straight).checkpoints(), 10)
            .list().stream()
                .filter(p -> Checkpoints.readSidecar(p).step() == 4)
                .findFirst()
                .orElseThrow();
    Path resumed = tmp.resolve("resumed");
    assertEquals(12, train(c, resumed, mid, IMAGES, TOKENIZER).step());
    Map<Long, Map<String, Double>> again = losses(resumed);
    assertEquals(
        reference.keySet().stream().filter(s -> s > 4).toList(), again.keySet().stream().toList());
    for (long step : again.keySet()) {
      assertEquals(
          reference.get(step), again.get(step), "step " + step + " after the resume from step 4");
    }
  }

  /**
   * Sorcen on raw images too (not the official Sorcen recipe, which trains on tokens): an evaluation
   * mid-run draws pictures, and the next step's echo snapshot shows the ids the step made.
   */
  @Test
  void sorcenAlsoTrainsOnImagesWithEchoPictures(@TempDir Path tmp) throws Exception {
    JobConfig c =
        JobConfig.parse(
            CONFIG,
            "t",
            Map.of(
                "method",
                "sorcen",
                "train.epochs",
                "0.008",
                "eval.every_epochs",
                "0.004",
                "echo.warmup_epochs",
                "0",
                "model.projector_hidden_dim",
                "32",
                "model.projector_dim",
                "16",
                "model.predictor_hidden_dim",
                "32"));
    Path run = tmp.resolve("sorcen");
    Trainer.Outcome out = train(c, run, null, IMAGES, TOKENIZER);
    assertEquals(6, out.step());
    try (var files = Files.list(new RunLayout(run).pictures())) {
      assertTrue(
          files.anyMatch(p -> p.getFileName().toString().startsWith("echo-step-")),
          "echo pictures drawn");
    }
    assertTrue(
        losses(run).values().stream().allMatch(m -> m.get("loss/contrastive") != 0.0),
        "Sorcen's terms");
  }

  @Test
  void anOnlineRunNeedsItsImagesAndTheTokenizerThatMadeTheDataset(@TempDir Path tmp) {
    JobConfig c = JobConfig.parse(CONFIG, "t", Map.of());
    ConfigException noImages =
        assertThrows(
            ConfigException.class, () -> train(c, tmp.resolve("a"), null, null, TOKENIZER));
    assertTrue(noImages.getMessage().contains("--images"), noImages.getMessage());
    ConfigException noTokenizer =
        assertThrows(ConfigException.class, () -> train(c, tmp.resolve("b"), null, IMAGES, null));
    assertTrue(noTokenizer.getMessage().contains("--tokenizer"), noTokenizer.getMessage());
    assertFalse(
        Files.exists(tmp.resolve("a")) || Files.exists(tmp.resolve("b")), "nothing written");
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () -> JobConfig.parse(CONFIG, "t", Map.of("train.input", "pixels")));
    assertTrue(
        bad.getMessage().contains("train.input must be one of [tokens, images]"), bad.getMessage());
  }
}
