package org.sorcen.train.data.importers;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/** Copies a decoded image into 8-bit pixels, H×W×C row-major, in 1 (luma) or 3 (RGB) channels. */
final class Pixels {
  private Pixels() {}

  static void copy(BufferedImage image, int channels, byte[] out, int offset) {
    int w = image.getWidth();
    int h = image.getHeight();
    ColorModel model = image.getColorModel();
    boolean gray =
        model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
            && !(model instanceof IndexColorModel);
    int[] row = new int[w];
    int at = offset;
    for (int y = 0; y < h; y++) {
      if (gray) {
        // Not getRGB: it converts the linear gray space to sRGB, turning a stored 128 into 188.
        grayRow(image.getRaster(), model.getComponentSize(0), y, row);
      } else {
        image.getRGB(0, y, w, 1, row, 0, w);
      }
      for (int x = 0; x < w; x++) {
        int v = row[x];
        if (gray) {
          for (int c = 0; c < channels; c++) {
            out[at++] = (byte) v;
          }
        } else if (channels == 1) {
          out[at++] = (byte) luma(v >> 16 & 0xFF, v >> 8 & 0xFF, v & 0xFF);
        } else {
          out[at++] = (byte) (v >> 16);
          out[at++] = (byte) (v >> 8);
          out[at++] = (byte) v;
        }
      }
    }
  }

  /** ITU-R BT.601 luma, rounded half up in integers so it never drifts past 255. */
  static int luma(int r, int g, int b) {
    return (299 * r + 587 * g + 114 * b + 500) / 1000;
  }

  /** Gray samples of row {@code y} scaled from {@code bits} (1 to 16) to 8 bits, rounded. */
  private static void grayRow(Raster raster, int bits, int y, int[] row) {
    raster.getSamples(raster.getMinX(), raster.getMinY() + y, row.length, 1, 0, row);
    if (bits != 8) {
      long max = (1L << bits) - 1;
      for (int x = 0; x < row.length; x++) {
        row[x] = (int) ((row[x] * 255L + max / 2) / max);
      }
    }
  }
}
