package org.sorcen.graph.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads configs from JSON (snake_case keys, // comments allowed, unknown keys rejected), applies dotted overrides such
 * as {@code optimizer.blr=3e-4}, fills a Sorcen config's {@code model.variant} from {@link
 * ModelVariants}, validates, and writes the resolved config back.
 */
public final class ConfigLoader {
  // Comments allowed: every config file starts with a header saying how to run it and what to
  // expect.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .build()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
          .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private ConfigLoader() {}

  public static SorcenConfig load(Path file) {
    return load(file, Map.of());
  }

  /** Loads {@code file}, applies the dotted {@code overrides} in order, and validates. */
  public static SorcenConfig load(Path file, Map<String, String> overrides) {
    return load(file, overrides, SorcenConfig.class, SorcenConfig::validated);
  }

  public static SorcenConfig parse(String json, String source, Map<String, String> overrides) {
    return parse(json, source, overrides, SorcenConfig.class, SorcenConfig::validated);
  }

  /**
   * The same rules for any config class (the tokenizer's too): {@code validate} returns the bound
   * config or throws a {@link ConfigException} listing every problem.
   */
  public static <T> T load(
      Path file, Map<String, String> overrides, Class<T> type, UnaryOperator<T> validate) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file not found: " + file);
    } catch (IOException e) {
      throw new ConfigException("cannot read config " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString(), overrides, type, validate);
  }

  public static <T> T parse(
      String json,
      String source,
      Map<String, String> overrides,
      Class<T> type,
      UnaryOperator<T> validate) {
    ObjectNode tree;
    try {
      JsonNode node = MAPPER.readTree(json);
      if (!(node instanceof ObjectNode)) {
        throw new ConfigException(source + ": a config must be a JSON object");
      }
      tree = (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": " + JsonErrors.describe(e), e);
    }
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      DottedOverride.apply(tree, o.getKey(), o.getValue());
    }
    // After the overrides: --set model.variant=... picks another row, and a field set by --set
    // wins over the row like one written in the file.
    if (SorcenConfig.class.isAssignableFrom(type)) {
      ModelVariants.expand(tree, source);
    }
    try {
      return validate.apply(MAPPER.treeToValue(tree, type));
    } catch (UnrecognizedPropertyException e) {
      String path =
          e.getPath().stream().map(r -> r.getFieldName()).collect(Collectors.joining("."));
      Stream<String> keys = e.getKnownPropertyIds().stream().map(Object::toString);
      if (e.getReferringClass() == ModelConfig.class) {
        keys = Stream.concat(keys, Stream.of(ModelVariants.KEY));
      }
      String known = keys.sorted().collect(Collectors.joining(", "));
      throw new ConfigException(
          source + ": unknown key '" + path + "'; known keys here: " + known, e);
    } catch (JsonProcessingException e) {
      String path =
          e instanceof JsonMappingException m
              ? m.getPath().stream().map(r -> r.getFieldName()).collect(Collectors.joining("."))
              : "?";
      throw new ConfigException(
          source + ": bad value for '" + path + "': " + e.getOriginalMessage(), e);
    }
  }

  /** The resolved config as JSON, every field written out, so a run records exactly what it used. */
  public static String toJson(Object config) {
    try {
      return MAPPER.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A deep copy of a config through its JSON form, every field included. */
  public static <T> T copy(T config, Class<T> type) {
    return MAPPER.convertValue(config, type);
  }

  static ObjectMapper mapper() {
    return MAPPER;
  }
}
