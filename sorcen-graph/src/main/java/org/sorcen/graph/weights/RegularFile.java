package org.sorcen.graph.weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Readers take regular files only: opening a FIFO blocks until a writer comes, and a directory or
 * device is never what was meant. Checked before the file is opened.
 */
public final class RegularFile {
  private RegularFile() {}

  /** Null when {@code file} is a regular file (symbolic links followed), else why it cannot be read. */
  public static String problem(Path file) {
    if (Files.isRegularFile(file)) {
      return null;
    }
    if (!Files.exists(file)) {
      return file + " does not exist";
    }
    return file
        + " is not a regular file ("
        + (Files.isDirectory(file) ? "a directory" : "a FIFO, socket or device")
        + "): pass the file itself";
  }

  /** Refuses anything but a regular file with {@code refusal} of the problem. */
  public static Path require(Path file, Function<String, ? extends RuntimeException> refusal) {
    String problem = problem(file);
    if (problem != null) {
      throw refusal.apply(problem);
    }
    return file;
  }
}
