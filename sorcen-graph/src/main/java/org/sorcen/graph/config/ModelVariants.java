package org.sorcen.graph.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of named model shapes ({@value #RESOURCE} next to this class): {@code tiny},
 * {@code vit-base}, {@code vit-large}. A config names one with {@code "model": {"variant": NAME}};
 * the row fills the model fields the config does not write, and every field the config writes, in
 * the file or by a dotted override, wins. The variant is resolved before binding, so a resolved
 * config holds the filled fields and no {@code variant} key: a config that names a variant and one
 * that writes the same fields out resolve to the same {@link SorcenConfig}.
 */
public final class ModelVariants {
  /** The key in the {@code model} section that names a row. */
  public static final String KEY = "variant";

  static final String RESOURCE = "model-variants.json";

  private static final Map<String, ObjectNode> TABLE = read();

  private ModelVariants() {}

  /** The variant names, in the table's order. */
  public static List<String> names() {
    return List.copyOf(TABLE.keySet());
  }

  /** The model fields {@code name} sets, snake_case as in a config; a copy. */
  public static ObjectNode fields(String name) {
    ObjectNode row = TABLE.get(name);
    if (row == null) {
      throw unknown("unknown model variant '" + name + "'");
    }
    return row.deepCopy();
  }

  /**
   * Replaces {@code model.variant} in a config tree by the fields of its row that the tree does not
   * write; a tree without it is left as it is.
   */
  static void expand(ObjectNode root, String source) {
    if (!(root.get("model") instanceof ObjectNode model) || !model.has(KEY)) {
      return;
    }
    JsonNode name = model.remove(KEY);
    ObjectNode row = name.isTextual() ? TABLE.get(name.asText()) : null;
    if (row == null) {
      throw unknown(source + ": unknown model." + KEY + " " + name);
    }
    for (Map.Entry<String, JsonNode> field : row.properties()) {
      if (!model.has(field.getKey())) {
        model.set(field.getKey(), field.getValue().deepCopy());
      }
    }
  }

  /** One line: what was asked for, and every name the table knows. */
  private static ConfigException unknown(String what) {
    return new ConfigException(what + "; known variants: " + String.join(", ", TABLE.keySet()));
  }

  /**
   * The rows, each checked by binding it into a {@link ModelConfig} (an unknown key or a value of
   * the wrong type is a broken build, not a user's mistake) and by the model's own validation.
   */
  private static Map<String, ObjectNode> read() {
    String text;
    try (InputStream in = ModelVariants.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
    Map<String, ObjectNode> table = new LinkedHashMap<>();
    try {
      JsonNode root = ConfigLoader.mapper().readTree(text);
      for (Map.Entry<String, JsonNode> row : root.properties()) {
        if (!(row.getValue() instanceof ObjectNode fields) || fields.has(KEY)) {
          throw new IllegalStateException(
              RESOURCE + ": variant " + row.getKey() + " must be an object of model fields");
        }
        ModelConfig model = ConfigLoader.mapper().treeToValue(fields, ModelConfig.class);
        List<String> errors = new ArrayList<>();
        model.validate(errors);
        if (!errors.isEmpty()) {
          throw new IllegalStateException(
              RESOURCE + ": variant " + row.getKey() + ": " + String.join("; ", errors));
        }
        table.put(row.getKey(), fields);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(RESOURCE + ": " + e.getOriginalMessage(), e);
    }
    return Collections.unmodifiableMap(table);
  }
}
