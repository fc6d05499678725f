package org.sorcen.train.embed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.sorcen.export.SorcenImageEncoder;
import org.sorcen.export.io.FileSet;
import org.sorcen.export.io.IoFailure;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.NpyWriter;
import org.sorcen.train.data.importers.ImageFiles;

/**
 * {@code ./sorcen embed}: every JPEG/PNG under a folder (recursively, in the order of their relative
 * paths) through an exported image encoder in batches, into a float32 {@code .npy} [N, D] and a
 * sidecar listing each row's relative path, one line per row (escaped: {@link SidecarNames}). The
 * two files are one output: refused together, written together, and only after every image is embedded.
 */
public final class FolderEmbedding {
  /** At most one progress line per this many nanoseconds, and one at the end. */
  private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

  /** What to embed and where the rows go. */
  public record Request(Path encoder, Path images, Path out, int batch, boolean force) {}

  private FolderEmbedding() {}

  /** The sidecar of {@code out}: {@code embeddings.npy} → {@code embeddings.txt}. */
  public static Path sidecar(Path out) {
    String name = out.getFileName().toString();
    String stem =
        name.toLowerCase(Locale.ROOT).endsWith(".npy")
            ? name.substring(0, name.length() - 4)
            : name;
    return out.resolveSibling(stem + ".txt");
  }

  /**
   * JPEG/PNG files below {@code dir} (hidden ones left out), sorted by their path relative to it;
   * an image name that is not a readable file (a dangling or looping link) is named to {@code skipped}.
   */
  public static List<Path> listImages(Path dir, Consumer<String> skipped) {
    if (!Files.isDirectory(dir)) {
      throw new DataException(dir + " is not a directory: pass a folder of JPEG/PNG images");
    }
    try {
      return ImageFiles.below(dir, p -> relative(dir, p), skipped);
    } catch (IOException e) {
      throw IoFailure.of("list", dir, e);
    }
  }

  /** The sidecar line of {@code file}: its escaped path relative to {@code dir} ({@link SidecarNames}). */
  static String relative(Path dir, Path file) {
    return SidecarNames.relative(dir, file);
  }

  /**
   * {@code files} through {@code encoder} in calls of {@code batch}, in order, with a progress line
   * (images done, images/s) on {@code log} at most every 2 s and at the end.
   */
  public static float[][] embed(
      SorcenImageEncoder encoder, List<Path> files, int batch, PrintStream log) {
    List<float[]> rows = new ArrayList<>(files.size());
    long start = System.nanoTime();
    long lastReport = start;
    for (int from = 0; from < files.size(); from += batch) {
      List<Path> part = files.subList(from, Math.min(files.size(), from + batch));
      rows.addAll(List.of(encoder.embed(part.toArray(Path[]::new))));
      long now = System.nanoTime();
      if (now - lastReport >= PROGRESS_EVERY_NANOS || rows.size() == files.size()) {
        lastReport = now;
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        log.printf(
            Locale.ROOT,
            "embedded %d/%d images (%.1f images/s)%n",
            rows.size(),
            files.size(),
            rows.size() / seconds);
      }
    }
    return rows.toArray(float[][]::new);
  }

  /** Embeds, writes, and returns the number of rows; progress goes to {@code log}. */
  public static int run(Request r, PrintStream log) {
    // The .npy and its .txt are one output: both refused, or both replaced, before any work.
    FileSet.requireWritable(List.of(r.out(), sidecar(r.out())), r.force(), "--force");
    List<Path> files = listImages(r.images(), note -> log.println("sorcen: " + note));
    if (files.isEmpty()) {
      throw new DataException(
          r.images()
              + " holds no JPEG/PNG files ("
              + ImageFiles.LISTED
              + ", searched recursively)");
    }
    float[][] matrix;
    int dim;
    try (SorcenImageEncoder encoder = SorcenImageEncoder.load(r.encoder())) {
      dim = encoder.embedDim();
      matrix = embed(encoder, files, r.batch(), log);
    }
    StringBuilder names = new StringBuilder();
    for (Path f : files) {
      names.append(relative(r.images(), f)).append('\n');
    }
    new FileSet()
        .add(r.out(), out -> NpyWriter.writeFloat32(out, matrix, dim))
        .add(sidecar(r.out()), out -> out.write(names.toString().getBytes(StandardCharsets.UTF_8)))
        .write();
    return matrix.length;
  }
}
