package org.sorcen.export.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Files that belong together (an {@code .npy} and the {@code .txt} naming its rows) written as
 * one: all are refused if any exists (unless replacing), every one is written to its hidden twin
 * first, and only then are they renamed into place; a failure during the renames puts the previous
 * files back, so that a reader never pairs a new file with an old one.
 */
public final class FileSet {
  private final Map<Path, AtomicFiles.FileWriter> files = new LinkedHashMap<>();

  public FileSet add(Path file, AtomicFiles.FileWriter writer) {
    files.put(file, writer);
    return this;
  }

  /**
   * Refuses (IllegalArgumentException, a usage error) when a member is a directory, or exists and
   * {@code replace} is false; call it before the work that produces the content.
   */
  public static void requireWritable(List<Path> members, boolean replace, String forceFlag) {
    for (Path p : members) {
      if (Files.isDirectory(p)) {
        throw new IllegalArgumentException(p + " is a directory: name a file");
      }
    }
    List<String> existing =
        members.stream()
            .filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
            .map(Path::toString)
            .toList();
    if (!replace && !existing.isEmpty()) {
      throw new IllegalArgumentException(
          String.join(" and ", existing)
              + (existing.size() > 1 ? " exist" : " exists")
              + " (these files are written as one: "
              + String.join(", ", members.stream().map(Path::toString).toList())
              + "): choose another output or pass "
              + forceFlag);
    }
  }

  /** Writes every member, all or none. */
  public void write() {
    String pid = Long.toString(ProcessHandle.current().pid());
    List<Path> tmps = new ArrayList<>();
    List<Path[]> placed = new ArrayList<>(); // {target, backup or null}
    Path current = null;
    try {
      for (var e : files.entrySet()) {
        current = e.getKey();
        StaleTemporaries.sweep(current);
        Files.createDirectories(current.toAbsolutePath().getParent());
        Path tmp = twin(current, "tmp", pid);
        tmps.add(tmp);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
          e.getValue().write(out);
        }
      }
      for (int i = 0; i < tmps.size(); i++) {
        current = List.copyOf(files.keySet()).get(i);
        Path backup = null;
        if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
          backup = twin(current, "old", pid);
          Files.move(current, backup, StandardCopyOption.ATOMIC_MOVE);
        }
        placed.add(new Path[] {current, backup});
        Files.move(tmps.get(i), current, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException | RuntimeException e) {
      rollBack(placed);
      tmps.forEach(AtomicFiles::deleteQuietly);
      if (e instanceof IOException io) {
        throw IoFailure.of("write", current, io);
      }
      throw (RuntimeException) e;
    }
    placed.stream().filter(p -> p[1] != null).forEach(p -> AtomicFiles.deleteQuietly(p[1]));
  }

  /** Puts back what the renames replaced, newest first. */
  private static void rollBack(List<Path[]> placed) {
    for (int i = placed.size() - 1; i >= 0; i--) {
      Path target = placed.get(i)[0];
      Path backup = placed.get(i)[1];
      try {
        if (backup != null) {
          Files.move(
              backup, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
          Files.deleteIfExists(target);
        }
      } catch (IOException ignored) {
        // The failure being reported matters more; a left .old- twin is restored by the next
        // writer.
      }
    }
  }

  private static Path twin(Path file, String kind, String pid) {
    return file.toAbsolutePath().resolveSibling("." + file.getFileName() + "." + kind + "-" + pid);
  }
}
