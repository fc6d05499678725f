package org.sorcen.export.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Files and directories that appear whole or not at all: written under a hidden temporary name in
 * the same directory, then renamed (a rename within one file system is atomic).
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Replaces {@code file} with {@code text}; a reader sees the old or the new content, never a part. */
  public static void writeString(Path file, String text) {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw IoFailure.of("write", file, e);
    }
  }

  /** Deletes a file or a directory with everything below it; nothing there is fine. */
  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  /** Best-effort clean-up after a failure that is already being reported. */
  public static void deleteQuietly(Path p) {
    try {
      deleteTree(p);
    } catch (IOException | RuntimeException ignored) {
      // The original failure is the one worth reporting; a leftover hidden .tmp is swept later.
    }
  }
}
