package org.sorcen.train.experiment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.IoFailure;

/**
 * A run's evaluated figures, kept in its directory ({@value #FILE}) so that re-running an experiment
 * whose runs are finished evaluates nothing again (with three seeds per method, evaluation is a
 * large part of the time). They are reused only under the same key: whatever they depend on (the
 * checkpoint step, the run's config, the evaluation settings), written out by the caller.
 */
final class FigureCache {
  static final String FILE = "experiment-figures.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private FigureCache() {}

  /** {@code reuse} false: compute again whatever is kept (a file the computation writes is missing). */
  static Map<String, Double> get(
      Path runDir, String key, boolean reuse, Supplier<Map<String, Double>> compute) {
    Path file = runDir.resolve(FILE);
    if (reuse && Files.isRegularFile(file)) {
      try {
        JsonNode doc = JSON.readTree(file.toFile());
        if (doc != null && key.equals(doc.path("key").asText())) {
          return JSON.convertValue(
              doc.path("figures"), new TypeReference<LinkedHashMap<String, Double>>() {});
        }
      } catch (IOException e) {
        // unreadable or cut: evaluate again and replace it
      }
    }
    Map<String, Double> figures = compute.get();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("key", key);
    doc.put("figures", figures);
    try {
      AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
    } catch (IOException e) {
      throw IoFailure.of("write", file, e);
    }
    return figures;
  }
}
