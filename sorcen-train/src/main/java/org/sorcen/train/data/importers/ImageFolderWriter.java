package org.sorcen.train.data.importers;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.ImageIO;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;

/**
 * Writes labelled images as torchvision's ImageFolder layout, {@code OUT/<split>/<class>/<index>.png},
 * the layout {@link ImageFolderReader} and {@code eval --image-folder} read. A class folder is named
 * {@code <label>-<class name>}, the label zero-padded, so that sorting the names (as ImageFolder does)
 * keeps the labels' order, and a name such as Fashion-MNIST's "T-shirt/top" makes one folder.
 */
public final class ImageFolderWriter {
  private ImageFolderWriter() {}

  /** Writes {@code splits} (name → images) into {@code out}, which must not exist; whole or not at all. */
  public static void write(Map<String, ImageSet> splits, Path out) {
    AtomicFiles.writeDirectory(
        out,
        false,
        tmp -> {
          for (Map.Entry<String, ImageSet> e : splits.entrySet()) {
            ImageSet s = e.getValue();
            long top =
                Math.max(s.classNames().size() - 1, Arrays.stream(s.labels()).max().orElse(0));
            int digits = Long.toString(Math.max(0, top)).length();
            for (int i = 0; i < s.count(); i++) {
              Path dir = tmp.resolve(e.getKey()).resolve(classFolder(s, s.labels()[i], digits));
              Files.createDirectories(dir);
              if (!ImageIO.write(
                  image(s, i), "png", dir.resolve(String.format("%06d.png", i)).toFile())) {
                throw new DataException("no PNG writer for " + s.channels() + "-channel images");
              }
            }
          }
        });
  }

  static String classFolder(ImageSet s, long label, int digits) {
    if (label < 0) {
      throw new DataException("an image folder needs a label per image; found label " + label);
    }
    String name = label < s.classNames().size() ? s.classNames().get((int) label) : "";
    String safe = name.replaceAll("[/\\\\\\x00-\\x1f]", "-");
    return String.format("%0" + digits + "d", label) + (safe.isEmpty() ? "" : "-" + safe);
  }

  private static BufferedImage image(ImageSet s, int i) {
    int h = s.height();
    int w = s.width();
    int c = s.channels();
    BufferedImage img =
        new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
    int base = i * s.imageSize();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = base + (y * w + x) * c;
        if (c == 1) {
          img.getRaster().setSample(x, y, 0, s.pixels()[p] & 0xFF);
        } else {
          img.setRGB(
              x,
              y,
              (s.pixels()[p] & 0xFF) << 16
                  | (s.pixels()[p + 1] & 0xFF) << 8
                  | s.pixels()[p + 2] & 0xFF);
        }
      }
    }
    return img;
  }
}
