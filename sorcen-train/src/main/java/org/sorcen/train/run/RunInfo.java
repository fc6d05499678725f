package org.sorcen.train.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.sorcen.export.io.IoFailure;
import org.sorcen.graph.config.JsonErrors;
import org.sorcen.train.data.DataException;

/**
 * A run's {@code run.json}: a JSON object whose {@code data} and {@code tokenizer} are absolute
 * paths or null, then whatever else the writer records (train's raw images, import-official's
 * origin). Built here and written by the pre-training {@code Run.create}, the one writer; read
 * back by {@link #read}, which refuses anything else rather than read it as "no tokenizer" and
 * export fewer models without a word.
 */
public final class RunInfo {
  private static final List<String> PATHS = List.of("data", "tokenizer");

  private final ObjectNode json;

  private RunInfo(ObjectNode json) {
    this.json = json;
  }

  /** The dataset and the tokenizer a run used, either null. */
  public static RunInfo of(Path data, Path tokenizer) {
    ObjectNode json = new ObjectMapper().createObjectNode();
    json.put("data", absolute(data));
    json.put("tokenizer", absolute(tokenizer));
    return new RunInfo(json);
  }

  /** Adds another path the run used (train's raw images). */
  public RunInfo with(String key, Path path) {
    json.put(key, absolute(path));
    return this;
  }

  /** Adds an object under {@code key}, for the caller to fill (import-official's origin). */
  public ObjectNode section(String key) {
    return json.putObject(key);
  }

  public JsonNode json() {
    return json;
  }

  /** The file's text: pretty-printed, as every run.json has been written. */
  public String text() {
    return json.toPrettyString();
  }

  private static String absolute(Path p) {
    return p != null ? p.toAbsolutePath().toString() : null;
  }

  /** The JSON object of a run.json file, or a {@link DataException} saying what is wrong with it. */
  public static JsonNode read(Path file) {
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
