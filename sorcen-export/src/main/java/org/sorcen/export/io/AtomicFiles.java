package org.sorcen.export.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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

  /** Fills a file's temporary twin. */
  public interface FileWriter {
    void write(OutputStream out) throws IOException;
  }

  /** Fills a directory's temporary twin (an empty directory when called). */
  public interface DirectoryWriter {
    void write(Path dir) throws IOException;
  }

  /** Replaces {@code file} with {@code text}; a reader sees the old or the new content, never a part. */
  public static void writeString(Path file, String text) {
    write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Replaces {@code file} with {@code bytes}, atomically. */
  public static void writeBytes(Path file, byte[] bytes) {
    write(file, out -> out.write(bytes));
  }

  /** Replaces {@code file} with what {@code writer} writes, atomically; parent directories are made. */
  public static void write(Path file, FileWriter writer) {
    Path tmp =
        file.resolveSibling("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    StaleTemporaries.sweep(file);
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
        writer.write(out);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw IoFailure.of("write", file, e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /**
   * Writes the directory {@code target} whole: {@code writer} fills a hidden sibling, which is then
   * renamed into place (the twins of killed writers are swept first: {@link StaleTemporaries}). An
   * existing {@code target} is refused unless {@code replace}; then it is
   * swapped out only once the new one is complete. A failure leaves {@code target} as it was.
   */
  public static Path writeDirectory(Path target, boolean replace, DirectoryWriter writer) {
    Path abs = target.toAbsolutePath();
    StaleTemporaries.sweep(abs); // first: it may put back a killed writer's previous content
    if (Files.exists(abs) && !replace) {
      throw new IllegalArgumentException(target + " exists: choose another output, or replace it");
    }
    String pid = Long.toString(ProcessHandle.current().pid());
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + pid);
    Path old = abs.resolveSibling("." + abs.getFileName() + ".old-" + pid);
    try {
      Files.createDirectories(abs.getParent());
      deleteTree(tmp);
      Files.createDirectories(tmp);
      writer.write(tmp);
      if (Files.exists(abs)) {
        deleteTree(old);
        Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      } else {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      }
      return target;
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw IoFailure.of("write", target, e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /** Deletes a file or a directory with everything below it; nothing there is fine. */
  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
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
