package org.sorcen.train.data;

import java.util.List;

/**
 * Images in memory as uint8 pixels, N×H×W×C row-major (values 0..255 in {@code byte}, read with
 * {@code & 0xFF}), with a label per image (−1 when unknown) and the class names labels index.
 */
public record ImageSet(
    int count,
    int height,
    int width,
    int channels,
    byte[] pixels,
    long[] labels,
    List<String> classNames) {

  public ImageSet {
    if ((long) count * height * width * channels != pixels.length) {
      throw new IllegalArgumentException(
          "pixels hold "
              + pixels.length
              + " values, not "
              + count
              + "x"
              + height
              + "x"
              + width
              + "x"
              + channels);
    }
    if (labels.length != count) {
      throw new IllegalArgumentException(labels.length + " labels for " + count + " images");
    }
  }

  public int imageSize() {
    return height * width * channels;
  }
}
