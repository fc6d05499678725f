package org.sorcen.graph.tokenizer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.sorcen.graph.vqgan.VqganConfig;
import org.sorcen.graph.vqgan.VqganTokenizer;

/**
 * The kinds of {@link ImageTokenizer} a tokenizer SavedModel can hold, by the name its
 * {@code tokenizer.json} records. A model written before kinds existed has none and is ours.
 */
public final class ImageTokenizers {
  private static final Map<String, BiFunction<String, String, ImageTokenizer>> PARSERS =
      new LinkedHashMap<>();

  static {
    register(
        VqTokenizer.KIND,
        (json, source) -> new VqTokenizer(TokenizerConfig.parse(json, source, Map.of())));
    register(
        VqganTokenizer.KIND, (json, source) -> new VqganTokenizer(VqganConfig.parse(json, source)));
  }

  private ImageTokenizers() {}

  /** Adds a kind: {@code parser} reads {@link ImageTokenizer#configJson} back (json, source for errors). */
  public static synchronized void register(
      String kind, BiFunction<String, String, ImageTokenizer> parser) {
    PARSERS.put(kind, parser);
  }

  /**
   * @param kind the recorded kind, or null for a model that predates kinds
   * @param source where the JSON came from, for error messages
   */
  public static synchronized ImageTokenizer parse(String kind, String configJson, String source) {
    String k = kind == null || kind.isEmpty() ? VqTokenizer.KIND : kind;
    BiFunction<String, String, ImageTokenizer> parser = PARSERS.get(k);
    if (parser == null) {
      throw new IllegalArgumentException(
          source
              + ": unknown tokenizer kind '"
              + k
              + "' (known: "
              + String.join(", ", PARSERS.keySet())
              + ")");
    }
    return parser.apply(configJson, source);
  }
}
