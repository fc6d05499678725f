package org.sorcen.train.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.IoFailure;

/**
 * {@code metrics.jsonl}: one JSON object per logging interval or evaluation, appended and flushed.
 * A resumed run first drops the rows after the step it resumes from (they are about to be
 * computed again), so the file holds one row per step however often the run was interrupted.
 */
public final class MetricsLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final BufferedWriter out;

  /** Opens {@code file} for appending after removing the rows of steps after {@code resumedStep}. */
  public MetricsLog(Path file, long resumedStep) {
    this.file = file;
    truncateAfter(file, resumedStep);
    try {
      out = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw IoFailure.of("write", file, e);
    }
  }

  public void append(String kind, long step, Map<String, Double> values) {
    ObjectNode line = JSON.createObjectNode();
    line.put("kind", kind);
    line.put("step", step);
    line.put("time", System.currentTimeMillis() / 1000.0);
    values.forEach(line::put);
    try {
      out.write(JSON.writeValueAsString(line));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw IoFailure.of("write", file, e);
    }
  }

  /** The figures of the last evaluation row in {@code file}, or an empty map. */
  public static Map<String, Double> lastEvaluation(Path file) {
    return last(file, "eval");
  }

  /** The figures of the last row of {@code kind} in {@code file}, or an empty map. */
  public static Map<String, Double> last(Path file, String kind) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (JsonNode row : rows(file)) {
      if (kind.equals(row.path("kind").asText())) {
        out.clear();
        row.properties()
            .forEach(
                e -> {
                  if (e.getValue().isNumber()
                      && !e.getKey().equals("step")
                      && !e.getKey().equals("time")) {
                    out.put(e.getKey(), e.getValue().asDouble());
                  }
                });
      }
    }
    return out;
  }

  private static void truncateAfter(Path file, long step) {
    if (!Files.exists(file)) {
      return;
    }
    List<String> keep = new ArrayList<>();
    boolean dropped = false;
    try {
      for (String line : Files.readAllLines(file)) {
        JsonNode row = parse(line);
        if (row != null && row.path("step").asLong() <= step) {
          keep.add(line);
        } else {
          dropped = true; // a later step, or a line cut by a crash mid-write
        }
      }
    } catch (IOException e) {
      throw IoFailure.of("read", file, e);
    }
    if (dropped) {
      AtomicFiles.writeString(file, keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
    }
  }

  /** Every parseable row of {@code file} in order (none when it does not exist). */
  public static List<JsonNode> rows(Path file) {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        JsonNode row = parse(line);
        if (row != null) {
          out.add(row);
        }
      }
    } catch (IOException e) {
      throw IoFailure.of("read", file, e);
    }
    return out;
  }

  private static JsonNode parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw IoFailure.of("close", file, e);
    }
  }
}
