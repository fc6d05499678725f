package org.sorcen.train.data.importers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The one listing of image folders: which files count as images (PNG/JPEG by extension, in any case;
 * hidden names such as ".ipynb_checkpoints" and ".DS_Store" left out; regular files only), and a
 * folder's images and sub-folders in a sorted order, so that nothing depends on the file system's.
 * Callers say what a missing or empty folder, or one that cannot be listed, means to them.
 */
public final class ImageFiles {
  private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

  /** The extensions as messages list them: ".png, .jpg, .jpeg". */
  public static final String LISTED = String.join(", ", EXTENSIONS);

  private ImageFiles() {}

  /** The images directly in {@code dir}, sorted by name. */
  public static List<Path> in(Path dir) throws IOException {
    return sorted(dir, false, p -> p.getFileName().toString(), skipped -> {});
  }

  /**
   * The images anywhere below {@code dir}, sorted by {@code key}; an image name that is not a regular
   * file (a dangling or looping link, a FIFO) is told to {@code skipped} as "skipped KEY: why".
   */
  public static List<Path> below(Path dir, Function<Path, String> key, Consumer<String> skipped)
      throws IOException {
    return sorted(dir, true, key, skipped);
  }

  /** The sub-folders of {@code dir}, hidden ones left out, sorted by name. */
  public static List<Path> folders(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> !hidden(p) && Files.isDirectory(p))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static List<Path> sorted(
      Path dir, boolean recursive, Function<Path, String> key, Consumer<String> skipped)
      throws IOException {
    try (Stream<Path> entries = recursive ? Files.walk(dir) : Files.list(dir)) {
      List<Path> found = entries.filter(p -> !hidden(p) && imageName(p)).toList();
      // Each key computed once (escaping a name asks the file system): a comparator would ask n log
      // n
      // times.
      Map<Path, String> keys = new HashMap<>();
      found.forEach(p -> keys.put(p, key.apply(p)));
      List<Path> files = new ArrayList<>();
      for (Path p : found.stream().sorted(Comparator.comparing(keys::get)).toList()) {
        if (Files.isRegularFile(p)) {
          files.add(p);
        } else if (!Files.isDirectory(p)) {
          skipped.accept(
              "skipped "
                  + keys.get(p)
                  + ": "
                  + (Files.isSymbolicLink(p)
                      ? "a link to no readable file (dangling or looping)"
                      : "not a regular file"));
        }
      }
      return files;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  private static boolean imageName(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().anyMatch(name::endsWith);
  }
}
