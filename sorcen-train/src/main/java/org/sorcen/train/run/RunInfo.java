package org.sorcen.train.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.sorcen.export.io.IoFailure;
import org.sorcen.graph.config.JsonErrors;
import org.sorcen.train.data.DataException;

/**
 * A run's {@code run.json}: a JSON object whose {@code data} and {@code tokenizer} are paths or
 * null. Anything else is refused rather than read as "no tokenizer", which would export fewer
 * models without a word.
 */
final class RunInfo {
  private static final List<String> PATHS = List.of("data", "tokenizer");

  private RunInfo() {}

  static JsonNode read(Path file) {
    JsonNode info;
    try {
      info = new ObjectMapper().readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new DataException(
          file + ": " + JsonErrors.describe(e) + "; it must be the JSON object train writes");
    } catch (IOException e) {
      throw IoFailure.of("read", file, e);
    }
    if (info == null || !info.isObject()) {
      throw new DataException(
          file
              + ": not a run description (a JSON object with \"data\" and \"tokenizer\"), "
              + "found "
              + (info == null ? "nothing" : info.getNodeType().toString().toLowerCase()));
    }
    for (String key : PATHS) {
      JsonNode v = info.get(key);
      if (v != null && !v.isNull() && !(v.isTextual() && !v.asText().isBlank())) {
        throw new DataException(file + ": \"" + key + "\" must be a path or null, found " + v);
      }
    }
    return info;
  }
}
