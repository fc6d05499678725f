package org.sorcen.train.pretrain;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.config.ModelVariants;

/**
 * The config presets of {@code configs/}, bound as job configs: the paper's shapes, validation and
 * the JSON round trip, a dotted override of a file, and each preset that names a model variant
 * resolving exactly as its written-out copy did.
 */
class PresetsTest {
  /** Maven runs the tests with the module directory as working directory. */
  private static final Path CONFIGS = Path.of("..", "configs");

  /** configs/sorcen-vit-base.json as it was before it named a variant, header left out. */
  private static final String OLD_VIT_BASE =
      """
      {
        "name": "sorcen-vit-base",
        "method": "sorcen",
        "model": {
          "grid": 16,
          "codebook_size": 1024,
          "embed_dim": 768,
          "depth": 12,
          "num_heads": 12,
          "decoder_embed_dim": 768,
          "decoder_depth": 8,
          "decoder_num_heads": 16,
          "projector_hidden_dim": 4096,
          "projector_dim": 512,
          "predictor_hidden_dim": 2048,
          "classifier_hidden_dim": 512,
          "num_classes": 1000
        },
        "train": {"batch_size": 4096, "epochs": 1600, "seed": 0}
      }
      """;

  /** configs/sorcen-vit-large.json before it named a variant. */
  private static final String OLD_VIT_LARGE =
      """
      {
        "name": "sorcen-vit-large",
        "method": "sorcen",
        "model": {
          "grid": 16,
          "codebook_size": 1024,
          "embed_dim": 1024,
          "depth": 24,
          "num_heads": 16,
          "decoder_embed_dim": 1024,
          "decoder_depth": 8,
          "decoder_num_heads": 16,
          "projector_hidden_dim": 4096,
          "projector_dim": 512,
          "predictor_hidden_dim": 2048,
          "classifier_hidden_dim": 512,
          "num_classes": 1000
        },
        "train": {"batch_size": 4096, "epochs": 1600, "seed": 0}
      }
      """;

  /** configs/sorcen-tiny.json (the default job) before it named a variant. */
  private static final String OLD_TINY =
      """
      {
        "name": "sorcen-tiny",
        "method": "sorcen",
        "model": {
          "grid": 8,
          "codebook_size": 512,
          "embed_dim": 128,
          "depth": 4,
          "num_heads": 4,
          "decoder_embed_dim": 128,
          "decoder_depth": 2,
          "decoder_num_heads": 4,
          "dropout": 0.1,
          "projector_hidden_dim": 512,
          "projector_dim": 128,
          "predictor_hidden_dim": 256,
          "classifier_hidden_dim": 128,
          "num_classes": 10
        },
        "echo": {"warmup_epochs": 1},
        "optimizer": {"blr": 0.005, "warmup_epochs": 1},
        "train": {"batch_size": 64, "epochs": 16, "seed": 0},
        "eval": {"every_epochs": 2,
                 "linear_probe": {"optimizer": "sgd", "batch_size": 64, "blr": 1.0}}
      }
      """;

  private static JobConfig parse(String json, Map<String, String> overrides) {
    return JobConfig.parse(json, "inline", overrides);
  }

  @Test
  void vitBaseHasThePapersShapes() {
    JobConfig c = JobConfig.load(CONFIGS.resolve("sorcen-vit-base.json"));
    ModelConfig m = c.model;
    assertAll(
        () -> assertEquals("sorcen-vit-base", c.name),
        () -> assertEquals("sorcen", c.method),
        () -> assertTrue(c.isSorcen()),
        () -> assertEquals(16, m.grid),
        () -> assertEquals(256, m.seqLen()),
        () -> assertEquals(1024, m.codebookSize),
        () -> assertEquals(768, m.embedDim),
        () -> assertEquals(12, m.depth),
        () -> assertEquals(12, m.numHeads),
        () -> assertEquals(768, m.decoderEmbedDim),
        () -> assertEquals(8, m.decoderDepth),
        () -> assertEquals(16, m.decoderNumHeads),
        () -> assertEquals(4096, m.projectorHiddenDim),
        () -> assertEquals(512, m.projectorDim),
        () -> assertEquals(2048, m.predictorHiddenDim),
        () -> assertEquals(3072, m.mlpHidden(m.embedDim)),
        () -> assertEquals(4096, c.train.batchSize),
        () -> assertEquals(1600, c.train.epochs));
  }

  @Test
  void vitLargeHasThePapersShapes() {
    JobConfig c = JobConfig.load(CONFIGS.resolve("sorcen-vit-large.json"));
    ModelConfig m = c.model;
    assertAll(
        () -> assertEquals("sorcen-vit-large", c.name),
        () -> assertEquals(16, m.grid),
        () -> assertEquals(1024, m.codebookSize),
        () -> assertEquals(1024, m.embedDim),
        () -> assertEquals(24, m.depth),
        () -> assertEquals(16, m.numHeads),
        () -> assertEquals(1024, m.decoderEmbedDim),
        () -> assertEquals(8, m.decoderDepth),
        () -> assertEquals(16, m.decoderNumHeads),
        () -> assertEquals(4096, m.projectorHiddenDim),
        () -> assertEquals(512, m.projectorDim),
        () -> assertEquals(2048, m.predictorHiddenDim));
  }

  @Test
  void tinyLoadsWithItsSmallGrid() {
    JobConfig c = JobConfig.load(CONFIGS.resolve("sorcen-tiny.json"));
    assertAll(
        () -> assertEquals("sorcen-tiny", c.name),
        () -> assertEquals(8, c.model.grid),
        () -> assertEquals(64, c.model.seqLen()),
        () -> assertEquals(512, c.model.codebookSize),
        () -> assertEquals(0, c.model.embedDim % c.model.numHeads),
        () -> assertEquals(0, c.model.decoderEmbedDim % c.model.decoderNumHeads),
        () -> assertEquals(4, c.masking.cropMin(c.model.grid)),
        () -> assertEquals(8, c.masking.cropMax(c.model.grid)),
        () -> assertTrue(c.optimizer.warmupEpochs <= c.train.epochs));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sorcen-tiny.json", "sorcen-vit-base.json", "sorcen-vit-large.json"})
  void everyPresetValidatesAndRoundTrips(String file) {
    JobConfig c = JobConfig.load(CONFIGS.resolve(file));
    assertTrue(c.problems().isEmpty(), () -> file + ": " + c.problems());
    String json = ConfigLoader.toJson(c);
    assertEquals(json, ConfigLoader.toJson(JobConfig.parse(json, file, Map.of())));
  }

  @Test
  void overrideReplacesAValueOfTheFile() {
    JobConfig c =
        JobConfig.load(
            CONFIGS.resolve("sorcen-tiny.json"),
            Map.of("model.depth", "2", "train.batch_size", "32"));
    assertEquals(2, c.model.depth);
    assertEquals(32, c.train.batchSize);
    assertEquals(128, c.model.embedDim);
  }

  static Stream<Arguments> presets() {
    return Stream.of(
        Arguments.of("sorcen-vit-base.json", "vit-base", OLD_VIT_BASE),
        Arguments.of("sorcen-vit-large.json", "vit-large", OLD_VIT_LARGE),
        Arguments.of("sorcen-tiny.json", "tiny", OLD_TINY));
  }

  /**
   * Every field of the resolved config, as a run records it (ConfigLoader.toJson writes every
   * field of every section), equals that of the file's old written-out copy, also with the method
   * and the compute dtype overridden as the config matrix and the experiments load them.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("presets")
  void thePresetResolvesExactlyAsItsWrittenOutCopy(String file, String variant, String old)
      throws IOException {
    String text = Files.readString(CONFIGS.resolve(file));
    assertTrue(text.contains("\"variant\": \"" + variant + "\""), file + " names " + variant);
    List<String> copied = new ArrayList<>();
    ModelVariants.fields(variant).properties().forEach(f -> copied.add(f.getKey()));
    assertTrue(
        copied.stream().noneMatch(f -> text.contains("\"" + f + "\"")),
        file + " writes none of the row's fields " + copied);
    for (Map<String, String> overrides :
        List.of(
            Map.<String, String>of(),
            Map.of("method", "mage"),
            Map.of("model.compute_dtype", "bfloat16"))) {
      assertEquals(
          ConfigLoader.toJson(parse(old, overrides)),
          ConfigLoader.toJson(JobConfig.load(CONFIGS.resolve(file), overrides)),
          file + " with " + overrides);
    }
  }
}
