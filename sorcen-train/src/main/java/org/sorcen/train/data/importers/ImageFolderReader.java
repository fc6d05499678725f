package org.sorcen.train.data.importers;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;

/**
 * Reads a folder of PNG/JPEG images: either one sub-folder per class (class names = sorted
 * sub-folder names, label = index, as torchvision's ImageFolder) or the images themselves
 * (labels −1, no class names), as {@link ImageFiles} lists them.
 */
public final class ImageFolderReader {
  // A Java array holds at most about 2^31 values.
  private static final long MAX_PIXELS = Integer.MAX_VALUE - 16;

  private ImageFolderReader() {}

  /** The image files of a folder with their labels and class names, in the order {@link #read} decodes them. */
  public record Listing(List<Path> files, long[] labels, List<String> classNames) {}

  /** All images of {@code folder} in {@code channels} 1 (grayscale by luma) or 3 (RGB). */
  public static ImageSet read(Path folder, int channels) {
    requireChannels(channels);
    return decodeAll(list(folder), channels);
  }

  /** The images of a listing in {@code channels} 1 (grayscale by luma) or 3 (RGB). */
  public static ImageSet read(Listing listing, int channels) {
    requireChannels(channels);
    return decodeAll(listing, channels);
  }

  private static void requireChannels(int channels) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          "channels must be 1 (grayscale) or 3 (RGB), not " + channels);
    }
  }

  /**
   * The images of {@code folder} without decoding them: one sub-folder per class (labels = index of
   * the sorted names) or the images themselves (labels −1, no class names).
   */
  public static Listing list(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new DataException(
          folder
              + " is not a folder: pass a folder of PNG/JPEG images, or one with a"
              + " sub-folder of images per class");
    }
    List<Path> classDirs = listed(folder, ImageFiles::folders);
    List<Path> files = new ArrayList<>(listed(folder, ImageFiles::in));
    if (!classDirs.isEmpty() && !files.isEmpty()) {
      throw new DataException(
          folder
              + " holds both images ("
              + files.get(0).getFileName()
              + ") and sub-folders ("
              + classDirs.get(0).getFileName()
              + "): put every image in its class folder, or remove the sub-folders");
    }
    List<String> classNames = new ArrayList<>();
    List<Long> labels = new ArrayList<>();
    if (classDirs.isEmpty()) {
      files.forEach(f -> labels.add(-1L));
    } else {
      for (Path dir : classDirs) {
        List<Path> inClass = listed(dir, ImageFiles::in);
        if (inClass.isEmpty()) {
          throw new DataException(
              "class folder "
                  + dir
                  + " holds no PNG/JPEG image ("
                  + ImageFiles.LISTED
                  + "): add images"
                  + " or remove the folder");
        }
        inClass.forEach(f -> labels.add((long) classNames.size()));
        files.addAll(inClass);
        classNames.add(dir.getFileName().toString());
      }
    }
    if (files.isEmpty()) {
      throw new DataException(folder + " holds no PNG/JPEG image (" + ImageFiles.LISTED + ")");
    }
    return new Listing(
        List.copyOf(files),
        labels.stream().mapToLong(Long::longValue).toArray(),
        List.copyOf(classNames));
  }

  private static ImageSet decodeAll(Listing listing, int channels) {
    List<Path> files = listing.files();
    BufferedImage first = decode(files.get(0));
    int h = first.getHeight();
    int w = first.getWidth();
    long total = (long) files.size() * h * w * channels;
    if (total > MAX_PIXELS) {
      throw new DataException(
          files.size()
              + " images of "
              + w
              + "x"
              + h
              + "x"
              + channels
              + " make "
              + total
              + " bytes, more than one array holds: split the folder");
    }
    byte[] pixels = new byte[(int) total];
    for (int i = 0; i < files.size(); i++) {
      BufferedImage image = i == 0 ? first : decode(files.get(i));
      if (image.getWidth() != w || image.getHeight() != h) {
        throw new DataException(
            files.get(i)
                + " is "
                + image.getWidth()
                + "x"
                + image.getHeight()
                + " (width x"
                + " height) but "
                + files.get(0)
                + " is "
                + w
                + "x"
                + h
                + ": all images must have the same size;"
                + " resize them first");
      }
      Pixels.copy(image, channels, pixels, i * h * w * channels);
    }
    return new ImageSet(
        files.size(), h, w, channels, pixels, listing.labels(), listing.classNames());
  }

  private static BufferedImage decode(Path file) {
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      // Decoders also throw runtime exceptions on damaged data; either way the file is at fault.
      throw new DataException(
          file + " is corrupt or not a PNG/JPEG image (" + e + "): replace or remove it", e);
    }
    if (image == null) {
      throw new DataException(
          file
              + " is not a readable PNG/JPEG image (no decoder recognises its content):"
              + " replace or remove it");
    }
    return image;
  }

  /** What {@code lister} finds in {@code dir}, or a refusal naming the folder it cannot list. */
  private static List<Path> listed(Path dir, Lister lister) {
    try {
      return lister.list(dir);
    } catch (IOException e) {
      throw new DataException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private interface Lister {
    List<Path> list(Path dir) throws IOException;
  }
}
