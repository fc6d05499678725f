package org.sorcen.graph.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paper's defaults, validation messages, dotted overrides and the JSON round trip. */
class ConfigLoaderTest {
  /** Maven runs the tests with the module directory as working directory. */
  private static final Path CONFIGS = Path.of("..", "configs");

  private static SorcenConfig parse(String json) {
    return ConfigLoader.parse(json, "inline", Map.of());
  }

  private static SorcenConfig parse(String json, Map<String, String> overrides) {
    return ConfigLoader.parse(json, "inline", overrides);
  }

  /** Parses {@code json}, expects a ConfigException, and returns its message. */
  private static String rejected(String json) {
    return rejected(json, Map.of());
  }

  private static String rejected(String json, Map<String, String> overrides) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> parse(json, overrides), () -> "accepted " + json);
    return e.getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(
          message.contains(part),
          () -> "message should mention '" + part + "' but was:\n" + message);
    }
  }

  @Nested
  class PaperDefaults {
    private final SorcenConfig c = parse("{}");

    @Test
    void optimizer() {
      assertAll(
          () -> assertEquals(1.5e-4, c.optimizer.blr),
          () -> assertEquals(0.9, c.optimizer.beta1),
          () -> assertEquals(0.95, c.optimizer.beta2),
          () -> assertEquals(0.05, c.optimizer.weightDecay),
          () -> assertEquals(40, c.optimizer.warmupEpochs),
          () -> assertEquals(0.0, c.optimizer.minLr),
          () -> assertEquals(3.0, c.optimizer.clipGradNorm),
          () -> assertEquals(1.5e-4 * 4096 / 256, c.optimizer.peakLr(4096), 1e-15),
          () -> assertEquals(1.5e-4, c.optimizer.peakLr(256), 1e-15));
    }

    @Test
    void echoLossEmaAndMasking() {
      assertAll(
          () -> assertEquals(15, c.echo.topK),
          () -> assertEquals(10, c.echo.warmupEpochs),
          () -> assertEquals(0.3, c.loss.temperature),
          () -> assertEquals(0.1, c.loss.labelSmoothing),
          () -> assertEquals(0.01, c.loss.uniformityWeight),
          () -> assertEquals(0.1, c.loss.contrastiveWeight),
          () -> assertEquals(0.996, c.ema.baseMomentum),
          () -> assertEquals(0.55, c.masking.maskRateMean),
          () -> assertEquals(0.25, c.masking.maskRateStd),
          () -> assertEquals(0.5, c.masking.maskRateMin),
          () -> assertEquals(1.0, c.masking.maskRateMax),
          () -> assertEquals(0.5, c.masking.dropRate),
          () -> assertNull(c.masking.cropMin),
          () -> assertNull(c.masking.cropMax),
          () -> assertEquals(8, c.masking.cropMin(16)),
          () -> assertEquals(16, c.masking.cropMax(16)),
          () -> assertEquals(128, c.masking.numDropped(256)));
    }

    @Test
    void modelIsVitBase() {
      ModelConfig m = c.model;
      assertAll(
          () -> assertEquals("sorcen", c.method),
          () -> assertEquals(16, m.grid),
          () -> assertEquals(1024, m.codebookSize),
          () -> assertEquals(768, m.embedDim),
          () -> assertEquals(12, m.depth),
          () -> assertEquals(12, m.numHeads),
          () -> assertEquals(768, m.decoderEmbedDim),
          () -> assertEquals(8, m.decoderDepth),
          () -> assertEquals(16, m.decoderNumHeads),
          () -> assertEquals(4.0, m.mlpRatio),
          () -> assertEquals(0.1, m.dropout),
          () -> assertEquals(0, m.numClasses),
          () -> assertEquals("random", m.teacherInit),
          () -> assertEquals("float32", m.computeDtype));
    }

    @Test
    void vocabularyLayoutMatchesTheOfficialCheckpoints() {
      ModelConfig m = c.model;
      assertEquals(2025, m.vocabSize());
      assertEquals(1100, m.clsId());
      assertEquals(2024, m.maskId());
      for (int codes : new int[] {16, 512, 1024, 16384}) {
        ModelConfig other = parse("{\"model\": {\"codebook_size\": " + codes + "}}").model;
        assertEquals(codes + 1001, other.vocabSize(), "V for C=" + codes);
        assertEquals(codes + 76, other.clsId(), "CLS for C=" + codes);
        assertEquals(other.vocabSize() - 1, other.maskId(), "MASK for C=" + codes);
        assertEquals(codes + 1000, other.maskId(), "MASK for C=" + codes);
        assertTrue(
            other.clsId() >= codes && other.clsId() < other.maskId(),
            "CLS is neither a code nor MASK");
      }
    }
  }

  @Nested
  class Validation {
    @Test
    void headsMustDivideTheWidth() {
      assertMentions(
          rejected("{\"model\": {\"embed_dim\": 768, \"num_heads\": 10}}"),
          "model.num_heads",
          "768");
      assertMentions(rejected("{\"model\": {\"num_heads\": 0}}"), "model.num_heads");
    }

    @Test
    void decoderHeadsMustDivideTheDecoderWidth() {
      String msg = rejected("{\"model\": {\"decoder_embed_dim\": 512, \"decoder_num_heads\": 12}}");
      assertMentions(msg, "model.decoder_num_heads", "512");
      assertFalse(msg.contains("model.num_heads"), msg);
    }

    @Test
    void gridBelowTwo() {
      assertMentions(rejected("{\"model\": {\"grid\": 1}}"), "model.grid");
    }

    @Test
    void cropRangeMustFitTheGrid() {
      assertMentions(
          rejected("{\"masking\": {\"crop_max\": 17}}"), "masking.crop_min/crop_max", "17");
      assertMentions(rejected("{\"masking\": {\"crop_min\": 0}}"), "masking.crop_min/crop_max");
      assertMentions(
          rejected("{\"masking\": {\"crop_min\": 12, \"crop_max\": 10}}"),
          "masking.crop_min/crop_max");
      // Defaults follow the grid: G/2..G.
      assertMentions(
          rejected("{\"model\": {\"grid\": 8}, \"masking\": {\"crop_max\": 9}}"),
          "masking.crop_min/crop_max");
      SorcenConfig ok =
          parse("{\"model\": {\"grid\": 8}, \"masking\": {\"crop_min\": 3, \"crop_max\": 8}}");
      assertEquals(3, ok.masking.cropMin(8));
      assertEquals(8, ok.masking.cropMax(8));
    }

    @Test
    void unknownKeyAtTheTop() {
      assertMentions(rejected("{\"modle\": {}}"), "unknown key", "'modle'", "inline");
    }

    @Test
    void unknownKeyInASection() {
      String msg = rejected("{\"model\": {\"embed_dimm\": 768}}");
      assertMentions(msg, "unknown key", "'model.embed_dimm'", "embed_dim");
    }

    @Test
    void unknownKeyInEverySection() {
      for (String section :
          new String[] {"model", "masking", "echo", "loss", "ema", "optimizer", "train"}) {
        assertMentions(
            rejected("{\"" + section + "\": {\"bogus\": 1}}"),
            "unknown key",
            "'" + section + ".bogus'");
      }
    }

    @Test
    void camelCaseKeysAreUnknown() {
      assertMentions(
          rejected("{\"model\": {\"embedDim\": 768}}"), "unknown key", "'model.embedDim'");
    }

    @Test
    void malformedJsonNamesTheLine() {
      String msg = rejected("{\n  \"model\": {\n    \"grid\": 16,,\n  }\n}");
      assertMentions(msg, "inline", "malformed JSON", "line 3");
      assertMentions(rejected("{\"model\": {\"grid\": 16}"), "line");
    }

    @Test
    void nonObjectConfig() {
      assertMentions(rejected("[1, 2]"), "JSON object");
      assertMentions(rejected(""), "JSON object");
    }

    @Test
    void commentsAreAllowed() {
      SorcenConfig c =
          parse(
              "// header\n{\n  // grid of the tokenizer\n  \"model\": {\"grid\": 8} /* trailing */\n}");
      assertEquals(8, c.model.grid);
    }

    @Test
    void missingFile(@TempDir Path dir) {
      Path absent = dir.resolve("nope.json");
      ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(absent));
      assertMentions(e.getMessage(), "not found", "nope.json");
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws Exception {
      Path file = dir.resolve("bad.json");
      Files.writeString(file, "{\"model\": {\"embed_dimm\": 1}}");
      ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
      assertMentions(e.getMessage(), file.toString(), "'model.embed_dimm'");
    }

    @Test
    void wrongValueType() {
      assertMentions(rejected("{\"model\": {\"grid\": \"sixteen\"}}"), "bad value", "'model.grid'");
      assertMentions(rejected("{\"model\": {\"grid\": true}}"), "bad value", "'model.grid'");
      assertMentions(rejected("{\"model\": 5}"), "bad value", "'model'");
      assertMentions(rejected("{\"optimizer\": {\"blr\": [1]}}"), "bad value", "'optimizer.blr'");
      assertMentions(rejected("{\"model\": {\"depth\": null}}"), "'model.depth'");
    }

    @Test
    void nullSection() {
      assertMentions(rejected("{\"masking\": null}"), "null");
    }

    @Test
    void methodMustBeSorcenOrMage() {
      assertMentions(rejected("{\"method\": \"simclr\"}"), "method", "simclr", "sorcen", "mage");
      assertMentions(rejected("{\"method\": null}"), "method");
    }

    @Test
    void dropRateAboveMaskRateMin() {
      String msg = rejected("{\"masking\": {\"drop_rate\": 0.6, \"mask_rate_min\": 0.5}}");
      assertMentions(msg, "masking.drop_rate", "masking.mask_rate_min");
      assertEquals(0.5, parse("{\"masking\": {\"drop_rate\": 0.5}}").masking.dropRate);
    }

    @Test
    void moreValidations() {
      assertMentions(rejected("{\"model\": {\"codebook_size\": 15}}"), "echo.top_k");
      assertMentions(
          rejected("{\"optimizer\": {\"warmup_epochs\": 20}, \"train\": {\"epochs\": 10}}"),
          "optimizer.warmup_epochs",
          "train.epochs");
      assertMentions(
          rejected("{\"masking\": {\"mask_rate_min\": 0.9, \"mask_rate_max\": 0.8}}"),
          "masking.mask_rate_min");
      assertMentions(rejected("{\"ema\": {\"base_momentum\": 1.5}}"), "ema.base_momentum");
      assertMentions(rejected("{\"loss\": {\"temperature\": 0}}"), "loss.temperature");
      assertMentions(rejected("{\"model\": {\"teacher_init\": \"zeros\"}}"), "model.teacher_init");
      assertMentions(
          rejected("{\"ema\": {\"momentum_projector\": \"frozen\"}}"),
          "ema.momentum_projector",
          "trained",
          "ema");
      assertMentions(
          rejected("{\"model\": {\"compute_dtype\": \"float16\"}}"), "model.compute_dtype");
      assertMentions(rejected("{\"model\": {\"num_classes\": 1}}"), "model.num_classes");
      assertMentions(rejected("{\"train\": {\"batch_size\": 1}}"), "train.batch_size");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
      String msg = rejected("{\"method\": \"x\", \"model\": {\"grid\": 1, \"num_heads\": 5}}");
      assertMentions(msg, "method", "model.grid", "model.num_heads");
    }
  }

  @Nested
  class Overrides {
    @Test
    void dottedOverrideIsApplied() {
      SorcenConfig c =
          ConfigLoader.load(
              CONFIGS.resolve("sorcen-vit-base.json"), Map.of("optimizer.blr", "3e-4"));
      assertEquals(3e-4, c.optimizer.blr);
      assertEquals(0.95, c.optimizer.beta2, "other optimizer keys keep their values");
      assertEquals(768, c.model.embedDim, "other sections keep their values");
    }

    @Test
    void overrideCreatesAMissingSection() {
      SorcenConfig c = parse("{}", Map.of("masking.crop_min", "4"));
      assertEquals(4, c.masking.cropMin);
    }

    @Test
    void bareWordsAreStrings() {
      SorcenConfig c = parse("{}", Map.of("method", "mage"));
      assertEquals("mage", c.method);
      assertFalse(c.isSorcen());
      assertEquals(
          "bfloat16", parse("{}", Map.of("model.compute_dtype", "bfloat16")).model.computeDtype);
      assertEquals("copy", parse("{}", Map.of("model.teacher_init", "copy")).model.teacherInit);
      assertEquals("trained", parse("{}", Map.of()).ema.momentumProjector);
      assertEquals(
          "ema", parse("{}", Map.of("ema.momentum_projector", "ema")).ema.momentumProjector);
    }

    @Test
    void overridesAreValidated() {
      assertMentions(rejected("{}", Map.of("model.num_heads", "7")), "model.num_heads");
      assertMentions(rejected("{}", Map.of("method", "byol")), "method", "byol");
      assertMentions(rejected("{}", Map.of("model.grid", "abc")), "bad value", "'model.grid'");
    }

    @Test
    void unknownOverrideKeyIsRejected() {
      assertMentions(
          rejected("{}", Map.of("model.embed_dimm", "3")), "unknown key", "'model.embed_dimm'");
      assertMentions(rejected("{}", Map.of("optimiser.blr", "3e-4")), "unknown key", "'optimiser'");
    }

    @Test
    void overrideThroughAValueIsRejected() {
      assertMentions(
          rejected("{\"model\": {\"grid\": 16}}", Map.of("model.grid.x", "8")),
          "model.grid.x",
          "grid");
    }

    @Test
    void overridesApplyInOrder() {
      Map<String, String> ordered = new LinkedHashMap<>();
      ordered.put("optimizer.blr", "1e-3");
      ordered.put("optimizer", "{\"blr\": 2e-3}");
      assertEquals(2e-3, parse("{}", ordered).optimizer.blr);
    }
  }

  @Nested
  class RoundTrip {
    @Test
    void toJsonParsesBackToTheSameJson() {
      SorcenConfig c =
          parse(
              "{\"name\": \"rt\", \"method\": \"mage\", \"masking\": {\"crop_min\": 5},"
                  + " \"model\": {\"num_classes\": 10}, \"train\": {\"seed\": 123456789012}}",
              Map.of("optimizer.blr", "3e-4"));
      String json = ConfigLoader.toJson(c);
      SorcenConfig back = ConfigLoader.parse(json, "x", Map.of());
      assertEquals(json, ConfigLoader.toJson(back));
      assertEquals("mage", back.method);
      assertEquals(5, back.masking.cropMin);
      assertNull(back.masking.cropMax);
      assertEquals(3e-4, back.optimizer.blr);
      assertEquals(123456789012L, back.train.seed);
      assertEquals(10, back.model.numClasses);
    }

    @Test
    void toJsonWritesEveryFieldInSnakeCase() {
      String json = ConfigLoader.toJson(parse("{}"));
      assertMentions(
          json,
          "\"embed_dim\"",
          "\"decoder_num_heads\"",
          "\"mask_rate_mean\"",
          "\"top_k\"",
          "\"base_momentum\"",
          "\"clip_grad_norm\"",
          "\"label_smoothing\"",
          "\"batch_size\"",
          "\"crop_min\"");
      assertFalse(json.contains("embedDim"), json);
      assertFalse(json.contains("is_sorcen"), "no derived getters are written: " + json);
      assertFalse(
          json.contains("seq_len") || json.contains("vocab_size") || json.contains("mask_id"),
          "derived values are not config keys: " + json);
    }
  }
}
