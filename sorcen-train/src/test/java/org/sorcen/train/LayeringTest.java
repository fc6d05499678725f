package org.sorcen.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages of sorcen-train form layers, and an import may only point down (or sideways inside
 * a package). The order is the one docs/extending.md describes; a new package must be placed in it,
 * so that a class needed by a lower package moves down rather than the lower package reaching up.
 */
class LayeringTest {
  /** Bottom to top. */
  static final List<String> LAYERS =
      List.of(
          "data", // token datasets, readers of files (TFRecord, IDX, .npy), the tokenizer
          "cluster", // servers, gRPC sessions, agreement, watchdog
          "session", // TensorFlow sessions over the graphs
          "run", // run directories: layout, checkpoints, metrics, run.json
          "loop", // the run harness and the training loop
          "tokenizer", // training the tokenizer
          "classifier", // the feature classifier behind FD
          "eval", // evaluators
          "pretrain", // the Sorcen trainer and the cluster worker
          "official", // importing the official checkpoints
          "reference", // replaying reference fixtures
          "bench", // benchmarks
          "experiment", // the multi-seed experiment
          "embed", // embedding image folders
          "cli"); // the commands

  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?org\\.sorcen\\.train\\.([a-z]+)\\.", Pattern.MULTILINE);

  @Test
  void importsPointDown() throws IOException {
    Path root = Path.of("src/main/java/org/sorcen/train");
    assertTrue(
        Files.isDirectory(root), "run from the sorcen-train module: " + root.toAbsolutePath());
    assertEquals(
        List.of(), violations(root), "imports that point up a layer, or unplaced packages");
  }

  @Test
  void anUpwardImportIsFound(@TempDir Path tmp) throws IOException {
    Files.createDirectories(tmp.resolve("data"));
    Files.writeString(
        tmp.resolve("data/Reader.java"),
        "package org.sorcen.train.data;\n\nimport org.sorcen.train.cli.SorcenCli;\n");
    Files.createDirectories(tmp.resolve("cli"));
    Files.writeString(
        tmp.resolve("cli/SorcenCli.java"),
        "package org.sorcen.train.cli;\n\nimport org.sorcen.train.data.Reader;\n");
    assertEquals(List.of("data/Reader.java imports cli"), violations(tmp));
  }

  /** Upward imports and files in packages that {@link #LAYERS} does not place. */
  static List<String> violations(Path root) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        Path rel = root.relativize(f);
        String pkg = rel.getName(0).toString();
        if (rel.getNameCount() == 1 || !LAYERS.contains(pkg)) {
          found.add(rel + " is in no layer");
          continue;
        }
        Matcher m = IMPORT.matcher(Files.readString(f));
        while (m.find()) {
          String target = m.group(1);
          if (!LAYERS.contains(target)) {
            found.add(rel + " imports " + target + ", which is in no layer");
          } else if (LAYERS.indexOf(target) > LAYERS.indexOf(pkg)) {
            found.add(rel.toString().replace('\\', '/') + " imports " + target);
          }
        }
      }
    }
    return found;
  }
}
