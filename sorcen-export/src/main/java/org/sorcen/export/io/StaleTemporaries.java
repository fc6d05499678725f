package org.sorcen.export.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hidden twins {@link AtomicFiles} and {@link FileSet} leave when their process is killed
 * ({@code .NAME.tmp-PID}, {@code .NAME.old-PID}): the next writer of NAME removes those of dead
 * processes, so that a kill does not leave them for ever. An {@code .old-} twin whose NAME is
 * missing is the only copy of the previous content (killed between the two renames): it is put
 * back instead.
 */
public final class StaleTemporaries {
  private static final Pattern TWIN = Pattern.compile("\\.(.+)\\.(tmp|old)-(\\d+)");

  private StaleTemporaries() {}

  /** Cleans the dead processes' twins of {@code target}; a failure to clean is not worth failing for. */
  public static void sweep(Path target) {
    Path abs = target.toAbsolutePath();
    sweep(abs.getParent(), abs.getFileName().toString());
  }

  /**
   * Cleans the dead processes' twins of every name in {@code dir}: for a directory only this
   * project writes (a run's checkpoints/), where a killed writer's name is not written again.
   */
  public static void sweepAll(Path dir) {
    sweep(dir.toAbsolutePath(), null);
  }

  /** {@code name} null: every name. */
  private static void sweep(Path parent, String name) {
    if (parent == null || !Files.isDirectory(parent)) {
      return;
    }
    List<Path> twins;
    try (Stream<Path> s = Files.list(parent)) {
      twins =
          s.filter(
                  p -> {
                    Matcher m = TWIN.matcher(p.getFileName().toString());
                    return m.matches()
                        && (name == null || m.group(1).equals(name))
                        && !alive(Long.parseLong(m.group(3)));
                  })
              .sorted()
              .toList();
    } catch (IOException | RuntimeException e) {
      return;
    }
    for (Path twin : twins) {
      Matcher m = TWIN.matcher(twin.getFileName().toString());
      m.matches();
      Path target = parent.resolve(m.group(1));
      try {
        if (m.group(2).equals("old") && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          Files.move(twin, target, StandardCopyOption.ATOMIC_MOVE);
        } else {
          AtomicFiles.deleteTree(twin);
        }
      } catch (IOException e) {
        // Left for the next writer; the write at hand does not depend on it.
      }
    }
  }

  /** Whether {@code pid} is a running process (this one included: its own twins are its business). */
  static boolean alive(long pid) {
    try {
      return pid == ProcessHandle.current().pid()
          || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (RuntimeException e) {
      return true; // cannot tell: keep it
    }
  }
}
