package org.sorcen.train.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.sorcen.train.data.DataException;

/** {@code metrics.jsonl}: one JSON object per logging interval or evaluation, appended and flushed. */
public final class MetricsLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final BufferedWriter out;

  public MetricsLog(Path file) {
    this.file = file;
    try {
      out = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new DataException("cannot write " + file + ": " + e.getMessage(), e);
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
      throw new DataException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new DataException("cannot close " + file + ": " + e.getMessage(), e);
    }
  }
}
