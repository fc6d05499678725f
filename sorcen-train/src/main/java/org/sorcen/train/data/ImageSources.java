package org.sorcen.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.sorcen.train.data.importers.FashionMnist;
import org.sorcen.train.data.importers.IdxReader;
import org.sorcen.train.data.importers.ImageFolderReader;

/**
 * Image sources the commands accept, by split:
 * <ul>
 *   <li>an IDX directory (MNIST layout: {@code train-images-idx3-ubyte[.gz]} and labels, optionally
 *       {@code t10k-*} as the test split, optionally {@code classes.txt} with one name per line);
 *   <li>a folder of PNG/JPEG files with one sub-folder per class (a single "train" split).
 * </ul>
 */
public final class ImageSources {
  public static final String CLASSES_FILE = "classes.txt";

  private ImageSources() {}

  /**
   * @param classNames names to use instead of classes.txt; "fashion-mnist" means Fashion-MNIST's; may be null
   * @param channels for image folders: 1 (grayscale) or 3
   */
  public static Map<String, ImageSet> read(Path src, List<String> classNames, int channels) {
    if (!Files.isDirectory(src)) {
      throw new DataException(
          src + " is not a directory: pass an IDX directory or a folder of class sub-folders");
    }
    Map<String, ImageSet> splits = new LinkedHashMap<>();
    Path trainImages = idx(src, "train-images-idx3-ubyte");
    if (trainImages != null) {
      List<String> names = names(src, classNames);
      splits.put(
          "train", IdxReader.read(trainImages, required(src, "train-labels-idx1-ubyte"), names));
      Path testImages = idx(src, "t10k-images-idx3-ubyte");
      if (testImages != null) {
        splits.put(
            "test", IdxReader.read(testImages, required(src, "t10k-labels-idx1-ubyte"), names));
      }
      if (names.isEmpty()) {
        long max =
            splits.values().stream().flatMapToLong(s -> Arrays.stream(s.labels())).max().orElse(-1);
        List<String> numbered =
            IntStream.rangeClosed(0, (int) max).mapToObj(Integer::toString).toList();
        splits.replaceAll((k, s) -> withNames(s, numbered));
      }
      return splits;
    }
    splits.put("train", ImageFolderReader.read(src, channels));
    return splits;
  }

  public static ImageSet withNames(ImageSet s, List<String> names) {
    return new ImageSet(
        s.count(), s.height(), s.width(), s.channels(), s.pixels(), s.labels(), names);
  }

  /** Rows [from, to) of an image set. */
  public static ImageSet slice(ImageSet s, int from, int to) {
    int size = s.imageSize();
    return new ImageSet(
        to - from,
        s.height(),
        s.width(),
        s.channels(),
        Arrays.copyOfRange(s.pixels(), from * size, to * size),
        Arrays.copyOfRange(s.labels(), from, to),
        s.classNames());
  }

  private static List<String> names(Path src, List<String> given) {
    if (given != null && given.size() == 1 && given.get(0).equals("fashion-mnist")) {
      return FashionMnist.CLASS_NAMES;
    }
    if (given != null && !given.isEmpty()) {
      return given;
    }
    Path file = src.resolve(CLASSES_FILE);
    if (Files.isRegularFile(file)) {
      try {
        return Files.readAllLines(file).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .toList();
      } catch (IOException e) {
        throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return List.of();
  }

  private static Path idx(Path dir, String name) {
    for (Path p : List.of(dir.resolve(name + ".gz"), dir.resolve(name))) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static Path required(Path dir, String name) {
    Path p = idx(dir, name);
    if (p == null) {
      throw new DataException(dir + " has images but no " + name + "[.gz]");
    }
    return p;
  }
}
