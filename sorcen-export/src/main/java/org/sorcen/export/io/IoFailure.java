package org.sorcen.export.io;

import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Reading or writing a file failed for a reason outside the user's input (disk full, permissions,
 * a device error). The message is one line naming the path and the cause; the CLI exits 1 on it.
 */
public final class IoFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IoFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code cannot <action> <path>: <cause>} for a Java I/O exception. */
  public static IoFailure of(String action, Path path, IOException e) {
    return new IoFailure("cannot " + action + " " + path + ": " + cause(e), e);
  }

  /**
   * The same for a TensorFlow kernel that failed on a file (SaveV2, the SavedModel writer). Only
   * the first clause of TensorFlow's message is kept: the rest names graph nodes and, for a full
   * disk (ENOSPC maps to RESOURCE_EXHAUSTED), adds an out-of-memory hint that would mislead.
   */
  public static IoFailure of(String action, Path path, TensorFlowException e) {
    return new IoFailure("cannot " + action + " " + path + ": " + firstClause(e.getMessage()), e);
  }

  static String cause(IOException e) {
    String type = e.getClass().getSimpleName();
    String m = e.getMessage();
    return switch (type) {
      case "NoSuchFileException" -> "no such file or directory (" + m + ")";
      case "AccessDeniedException" -> "permission denied (" + m + ")";
      case "FileAlreadyExistsException" -> "already exists (" + m + ")";
      case "DirectoryNotEmptyException" -> "directory not empty (" + m + ")";
      default -> m != null ? m : type;
    };
  }

  static String firstClause(String tfMessage) {
    if (tfMessage == null) {
      return "TensorFlow reported an error without a message";
    }
    String line = tfMessage.strip().lines().findFirst().orElse("");
    int node = line.indexOf("[[");
    if (node >= 0) {
      line = line.substring(0, node);
    }
    // TensorFlow prefixes the temporary file it was writing: "<file>; No space left on device".
    int semi = line.lastIndexOf("; ");
    String reason = semi >= 0 ? line.substring(semi + 2) : line;
    return reason.strip();
  }
}
