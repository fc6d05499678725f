package org.sorcen.graph.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.ConfigException;

class TokenizerConfigTest {
  private static String rejected(String json) {
    return assertThrows(
            ConfigException.class,
            () -> TokenizerConfig.parse(json, "inline", Map.of()),
            () -> "accepted " + json)
        .getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(
          message.contains(part),
          () -> "message should mention '" + part + "' but was:\n" + message);
    }
  }

  @Test
  void defaultsDescribeFashionMnistAtFactorFour() {
    TokenizerConfig c = TokenizerConfig.parse("{}", "inline", Map.of());
    assertEquals(8, c.grid());
    assertEquals(64, c.seqLen());
    assertEquals(2, c.levels());
    assertEquals(2, c.padTop());
    assertEquals(2, c.padLeft());
    assertEquals(512, c.codebookSize);
  }

  @Test
  void aPartialOptimizerSectionKeepsTheTokenizerDefaultsForTheRest() {
    TokenizerConfig c =
        TokenizerConfig.parse(
            "{\"optimizer\": {\"blr\": 1e-3}, \"train\": {\"seed\": 5}}", "inline", Map.of());
    assertEquals(1e-3, c.optimizer.blr);
    assertEquals(0.99, c.optimizer.beta2, "tokenizer default, not the ViT's 0.95");
    assertEquals(128, c.train.batchSize);
    assertEquals(5, c.train.seed);
  }

  @Test
  void thePresetLoads() {
    TokenizerConfig c =
        TokenizerConfig.load(Path.of("..", "configs", "tokenizer-fashion-mnist.json"), Map.of());
    assertEquals("tokenizer-fashion-mnist", c.name);
    assertEquals(8, c.grid());
  }

  @Test
  void everyProblemIsListedByKey() {
    String m =
        rejected(
            """
        {"downsample": 3, "input_height": 40, "codebook_size": 1, "ema_decay": 1.0, "laplace_eps": 0,
         "res_blocks": -1, "optimizer": {"blr": -1}, "train": {"batch_size": 1}}
        """);
    assertMentions(
        m,
        "downsample must be a power of 2",
        "input_height",
        "codebook_size",
        "ema_decay",
        "laplace_eps",
        "res_blocks",
        "optimizer.blr",
        "train.batch_size");
  }

  @Test
  void widthsMustMatchTheNumberOfLevels() {
    assertMentions(
        rejected("{\"downsample\": 8, \"hidden_channels\": [8, 8]}"),
        "hidden_channels",
        "log2(downsample) + 1 = 4");
    assertMentions(rejected("{\"hidden_channels\": [8, 0, 8]}"), "hidden_channels[1]");
    assertMentions(
        rejected("{\"image_size\": 36, \"downsample\": 8, \"hidden_channels\": [4, 4, 4, 4]}"),
        "downsample (8) must divide image_size (36)");
  }

  @Test
  void unknownKeysAndOverridesAreNamed() {
    assertMentions(rejected("{\"codebook\": 512}"), "unknown key 'codebook'");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> TokenizerConfig.parse("{}", "inline", Map.of("optimizer.warmup_epochs", "20")));
    assertMentions(e.getMessage(), "optimizer.warmup_epochs (20.0) must be <= train.epochs");
  }
}
