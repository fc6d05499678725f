package org.sorcen.train.data;

/**
 * Zero-pads images to S×S with the original centred: (S − H)/2 rows above (rounded down), the rest
 * below, and the same for columns. This is the tokenizer's own rule ({@code TokenizerConfig.padTop},
 * {@code Pixels.toUnit}), so real 28×28 images and the tokenizer's 32×32 outputs line up pixel for pixel.
 */
public final class ImagePadding {
  private ImagePadding() {}

  /** {@code images} padded to {@code size}×{@code size}; returned unchanged when already that size. */
  public static ImageSet centred(ImageSet images, int size) {
    int h = images.height();
    int w = images.width();
    if (h == size && w == size) {
      return images;
    }
    if (h > size || w > size) {
      throw new DataException(
          "images are "
              + h
              + "x"
              + w
              + ", larger than the "
              + size
              + "x"
              + size
              + " they should be padded to");
    }
    int c = images.channels();
    int top = (size - h) / 2;
    int left = (size - w) / 2;
    byte[] out = new byte[Math.multiplyExact(images.count(), size * size * c)];
    byte[] in = images.pixels();
    for (int i = 0; i < images.count(); i++) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(
            in, ((i * h + y) * w) * c, out, ((i * size + top + y) * size + left) * c, w * c);
      }
    }
    return new ImageSet(images.count(), size, size, c, out, images.labels(), images.classNames());
  }
}
