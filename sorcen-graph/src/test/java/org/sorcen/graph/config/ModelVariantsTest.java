package org.sorcen.graph.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.tokenizer.TokenizerConfig;

/**
 * The model variants table: explicit fields and overrides win over the row, and an unknown name is
 * refused with the known ones. That the presets naming a row resolve exactly as their written-out
 * copies did is sorcen-train's PresetsTest: the presets are job configs.
 */
class ModelVariantsTest {
  private static final Path CONFIGS = Path.of("..", "configs");

  /** The fields a row may set: the network's shape, nothing the tokenizer, data or recipe decides. */
  private static final Set<String> SHAPE_FIELDS =
      Set.of(
          "embed_dim",
          "depth",
          "num_heads",
          "mlp_ratio",
          "decoder_embed_dim",
          "decoder_depth",
          "decoder_num_heads",
          "projector_hidden_dim",
          "projector_dim",
          "predictor_hidden_dim",
          "classifier_hidden_dim");

  private static SorcenConfig parse(String json, Map<String, String> overrides) {
    return ConfigLoader.parse(json, "inline", overrides);
  }

  @Test
  void theTableNamesTheThreeShapes() {
    assertEquals(List.of("tiny", "vit-base", "vit-large"), ModelVariants.names());
  }

  /** docs/configs.md shows the table: its rows must be the table's, column by column. */
  @Test
  void theDocsShowTheTable() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "configs.md"));
    int header =
        lines.indexOf(
            lines.stream()
                .filter(l -> l.startsWith("| variant |"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("docs/configs.md has no variants table")));
    String[] columns = cells(lines.get(header));
    List<String> names = new ArrayList<>();
    for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String[] row = cells(lines.get(i));
      names.add(row[0]);
      ObjectNode fields = ModelVariants.fields(row[0]);
      List<String> shown = new ArrayList<>();
      for (int k = 1; k < columns.length; k++) {
        shown.add(columns[k]);
        assertEquals(
            fields.path(columns[k]).asText(), row[k], row[0] + " " + columns[k] + " in the docs");
      }
      List<String> unshown = new ArrayList<>();
      fields.properties().forEach(f -> unshown.add(f.getKey()));
      unshown.removeAll(shown);
      assertEquals(List.of("mlp_ratio"), unshown, "the docs table leaves out only mlp_ratio");
      assertEquals(4.0, fields.path("mlp_ratio").asDouble(), "the docs say mlp_ratio 4 everywhere");
    }
    assertEquals(ModelVariants.names(), names);
  }

  /** The cells of a Markdown table row, without backticks. */
  private static String[] cells(String line) {
    String inner = line.substring(line.indexOf('|') + 1, line.lastIndexOf('|'));
    return Stream.of(inner.split("\\|"))
        .map(c -> c.strip().replace("`", ""))
        .toArray(String[]::new);
  }

  @Test
  void everyRowHoldsOnlyShapeFieldsAndValidates() {
    for (String name : ModelVariants.names()) {
      ObjectNode row = ModelVariants.fields(name);
      for (Map.Entry<String, JsonNode> f : row.properties()) {
        assertTrue(
            SHAPE_FIELDS.contains(f.getKey()), name + " sets " + f.getKey() + ", not a shape");
      }
      SorcenConfig c = parse("{\"model\": {\"variant\": \"" + name + "\"}}", Map.of());
      assertEquals(List.of(), c.problems(), name);
    }
  }

  @Test
  void theDefaultsAreTheVitBaseRow() {
    assertEquals(
        ConfigLoader.toJson(parse("{}", Map.of())),
        ConfigLoader.toJson(parse("{\"model\": {\"variant\": \"vit-base\"}}", Map.of())));
  }

  @Test
  void theRowFillsTheShape() {
    ModelConfig m = parse("{\"model\": {\"variant\": \"vit-large\"}}", Map.of()).model;
    assertAll(
        () -> assertEquals(1024, m.embedDim),
        () -> assertEquals(24, m.depth),
        () -> assertEquals(16, m.numHeads),
        () -> assertEquals(1024, m.decoderEmbedDim),
        () -> assertEquals(8, m.decoderDepth),
        () -> assertEquals(16, m.decoderNumHeads),
        () -> assertEquals(4096, m.projectorHiddenDim),
        // Not shape fields: the paper defaults, whatever the row.
        () -> assertEquals(16, m.grid),
        () -> assertEquals(1024, m.codebookSize),
        () -> assertEquals(0.1, m.dropout));
  }

  @Test
  void aFieldWrittenInTheFileWinsOverTheRow() {
    ModelConfig m =
        parse(
                "{\"model\": {\"depth\": 6, \"variant\": \"vit-large\", \"decoder_depth\": 2}}",
                Map.of())
            .model;
    assertEquals(6, m.depth);
    assertEquals(2, m.decoderDepth);
    assertEquals(1024, m.embedDim);
  }

  @Test
  void anOverrideWinsOverTheRowAndCanPickAnotherRow() {
    SorcenConfig c =
        ConfigLoader.load(
            CONFIGS.resolve("sorcen-vit-base.json"),
            Map.of("model.variant", "vit-large", "model.depth", "3"));
    assertEquals("sorcen-vit-base", c.name);
    assertEquals(1024, c.model.embedDim);
    assertEquals(3, c.model.depth);
    assertEquals(1000, c.model.numClasses, "the file's own fields stay");

    SorcenConfig set = parse("{\"model\": {\"embed_dim\": 64}}", Map.of("model.variant", "tiny"));
    assertEquals(64, set.model.embedDim, "the file's field wins over a row chosen by --set");
    assertEquals(4, set.model.depth);
  }

  @Test
  void anUnknownVariantIsOneLineListingTheKnownNames() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> parse("{\"model\": {\"variant\": \"vit-huge\"}}", Map.of()));
    assertEquals(
        "inline: unknown model.variant \"vit-huge\"; known variants: tiny, vit-base, vit-large",
        e.getMessage());
    ConfigException number =
        assertThrows(
            ConfigException.class, () -> parse("{\"model\": {\"variant\": 16}}", Map.of()));
    assertEquals(
        "inline: unknown model.variant 16; known variants: tiny, vit-base, vit-large",
        number.getMessage());
    ConfigException byName =
        assertThrows(ConfigException.class, () -> ModelVariants.fields("B/16"));
    assertFalse(byName.getMessage().contains("\n"), byName.getMessage());
    assertTrue(byName.getMessage().endsWith("known variants: tiny, vit-base, vit-large"));
  }

  @Test
  void theResolvedConfigHasNoVariantKeyAndRoundTrips() {
    SorcenConfig c = parse("{\"model\": {\"variant\": \"tiny\", \"grid\": 8}}", Map.of());
    String json = ConfigLoader.toJson(c);
    assertFalse(json.contains("variant"), json);
    assertEquals(json, ConfigLoader.toJson(parse(json, Map.of())));
  }

  @Test
  void anUnknownModelKeyListsVariantAmongTheKnownKeys() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> parse("{\"model\": {\"variants\": \"tiny\"}}", Map.of()));
    assertTrue(
        e.getMessage().startsWith("inline: unknown key 'model.variants'; known keys here: "),
        e.getMessage());
    assertTrue(e.getMessage().contains(", variant"), e.getMessage());
  }

  @Test
  void tokenizerConfigsHaveNoVariants() {
    // Another config class: "model" is not one of its keys, with or without a variant.
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> TokenizerConfig.parse("{\"model\": {\"variant\": \"tiny\"}}", "tok", Map.of()));
    assertTrue(e.getMessage().startsWith("tok: unknown key 'model'"), e.getMessage());
  }
}
