package org.sorcen.train.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.sorcen.export.io.AtomicFiles;

/**
 * Writes images as one PNG grid (grey for 1 channel, RGB for 3), each pixel drawn as a
 * {@code scale}×{@code scale} block, cells separated by a 2-pixel mid-grey border. With pairs, each
 * cell holds an original and its reconstruction side by side; images of different sizes are
 * centred in their half.
 */
public final class ImageGrid {
  private static final int GAP = 2;
  private static final int BORDER = 0x808080;

  private ImageGrid() {}

  /** The first {@code count} images in rows of {@code columns}. */
  public static void write(Path png, ImageSet images, int count, int columns, int scale) {
    draw(png, new ImageSet[] {images}, count, columns, scale);
  }

  /** Original i next to reconstruction i, for the first {@code count} of each. */
  public static void writePairs(
      Path png, ImageSet originals, ImageSet reconstructions, int count, int columns, int scale) {
    draw(png, new ImageSet[] {originals, reconstructions}, count, columns, scale);
  }

  private static void draw(Path png, ImageSet[] sets, int count, int columns, int scale) {
    int n = count;
    for (ImageSet s : sets) {
      n = Math.min(n, s.count());
      if (s.channels() != 1 && s.channels() != 3) {
        throw new IllegalArgumentException(
            "only 1 or 3 channels can be drawn, got " + s.channels());
      }
    }
    if (n < 1 || columns < 1 || scale < 1) {
      throw new IllegalArgumentException(
          "need at least one image, column and scale; got " + n + ", " + columns + ", " + scale);
    }
    int cellH = 0;
    int partW = 0;
    for (ImageSet s : sets) {
      cellH = Math.max(cellH, s.height() * scale);
      partW = Math.max(partW, s.width() * scale);
    }
    int cellW = sets.length * partW + (sets.length - 1) * GAP;
    int cols = Math.min(columns, n);
    int rows = (n + cols - 1) / cols;
    BufferedImage out =
        new BufferedImage(
            cols * (cellW + GAP) + GAP, rows * (cellH + GAP) + GAP, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < out.getHeight(); y++) {
      for (int x = 0; x < out.getWidth(); x++) {
        out.setRGB(x, y, BORDER);
      }
    }
    for (int i = 0; i < n; i++) {
      int x0 = GAP + (i % cols) * (cellW + GAP);
      int y0 = GAP + (i / cols) * (cellH + GAP);
      for (int k = 0; k < sets.length; k++) {
        ImageSet s = sets[k];
        int ox = x0 + k * (partW + GAP) + (partW - s.width() * scale) / 2;
        int oy = y0 + (cellH - s.height() * scale) / 2;
        paint(out, s, i, ox, oy, scale);
      }
    }
    AtomicFiles.write(
        png,
        stream -> {
          if (!ImageIO.write(out, "png", stream)) {
            throw new IOException("no PNG writer available");
          }
        });
  }

  private static void paint(BufferedImage out, ImageSet s, int index, int ox, int oy, int scale) {
    int base = index * s.imageSize();
    byte[] p = s.pixels();
    for (int y = 0; y < s.height(); y++) {
      for (int x = 0; x < s.width(); x++) {
        int at = base + (y * s.width() + x) * s.channels();
        int rgb;
        if (s.channels() == 1) {
          int v = p[at] & 0xFF;
          rgb = (v << 16) | (v << 8) | v;
        } else {
          rgb = ((p[at] & 0xFF) << 16) | ((p[at + 1] & 0xFF) << 8) | (p[at + 2] & 0xFF);
        }
        for (int dy = 0; dy < scale; dy++) {
          for (int dx = 0; dx < scale; dx++) {
            out.setRGB(ox + x * scale + dx, oy + y * scale + dy, rgb);
          }
        }
      }
    }
  }
}
