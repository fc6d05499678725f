package org.sorcen.train.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.sorcen.export.io.IoFailure;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.config.JsonErrors;
import org.sorcen.train.data.DataException;

/**
 * Whether train may write into an existing directory: only when it holds nothing (hidden files
 * such as a killed run's {@code .lock} aside) or is a run of this project, whose {@code config.json}
 * and {@code run.json} are ours, made with a compatible config. Any other folder holds someone's
 * files, which a run would overwrite ({@code metrics.jsonl}, {@code run.json}, ...).
 */
public final class RunAdoption {
  private RunAdoption() {}

  /**
   * Refuses, before anything is written, a directory train may not write {@code configJson}'s run
   * into: someone else's files, or a run made with another config (the differing fields named).
   */
  public static void require(RunLayout layout, String configJson) {
    requireOurs(layout);
    requireSameConfig(layout, configJson);
  }

  private static void requireOurs(RunLayout layout) {
    Path dir = layout.root();
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new DataException(
          dir + " is a file, not a run directory: pass a new or empty --run-dir");
    }
    List<String> visible;
    try (Stream<Path> s = Files.list(dir)) {
      visible =
          s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw IoFailure.of("list", dir, e);
    }
    if (visible.isEmpty()) {
      return;
    }
    if (!Files.isRegularFile(layout.config())) {
      throw new DataException(
          dir
              + " holds "
              + describe(visible)
              + " but is not a run of this project (no "
              + "config.json): pass a new or empty --run-dir");
    }
    try {
      JsonNode config = new ObjectMapper().readTree(layout.config().toFile());
      if (config == null || !config.isObject() || !config.has("model")) {
        throw new DataException(
            layout.config()
                + " is not a Sorcen config, so "
                + dir
                + " is not a run of this "
                + "project: pass a new or empty --run-dir");
      }
    } catch (JsonProcessingException e) {
      throw new DataException(
          layout.config()
              + ": "
              + JsonErrors.describe(e)
              + "; "
              + dir
              + " is not a run of this "
              + "project: pass a new or empty --run-dir");
    } catch (IOException e) {
      throw IoFailure.of("read", layout.config(), e);
    }
    if (Files.exists(layout.runInfo())) {
      RunInfo.read(layout.runInfo());
    }
  }

  private static void requireSameConfig(RunLayout layout, String configJson) {
    if (!Files.exists(layout.config())) {
      return;
    }
    String saved;
    try {
      saved = Files.readString(layout.config());
    } catch (IOException e) {
      throw IoFailure.of("read", layout.config(), e);
    }
    List<String> diff = ConfigDiff.incompatible(saved, configJson);
    if (!diff.isEmpty()) {
      throw new ConfigException(
          "run directory "
              + layout.root()
              + " was made with another config; these fields "
              + "differ: "
              + String.join(", ", diff)
              + ". Use a new --run-dir, or the run's own config.");
    }
  }

  private static String describe(List<String> names) {
    return names.size() <= 3
        ? String.join(", ", names)
        : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
  }
}
