package org.sorcen.train.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every path below a directory (hidden ones included) with its size and time, to compare before and after. */
public final class Snapshot {
  private Snapshot() {}

  public static Map<String, String> of(Path dir) {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(dir)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        String key = dir.relativize(p).toString();
        out.put(
            key,
            Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                ? "dir"
                : Files.size(p)
                    + " bytes, "
                    + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
