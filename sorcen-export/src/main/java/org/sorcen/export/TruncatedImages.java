package org.sorcen.export;

/**
 * Whether an encoded JPEG or PNG ends where its format says it ends. TensorFlow does refuse a
 * truncated image, but libjpeg first prints its own lines ("Improper call to JPEG library...")
 * straight to stderr, which no log level silences; finding the cut here gives one clear error line
 * instead. Only a missing end is reported: any other oddity is left to the decoder.
 */
final class TruncatedImages {
  private static final int PNG_SIGNATURE = 8;

  private TruncatedImages() {}

  /** Why {@code b} is cut short, or null when it is complete (or not a JPEG/PNG this can tell about). */
  static String truncation(byte[] b) {
    if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
      return jpeg(b);
    }
    if (b.length >= PNG_SIGNATURE
        && (b[0] & 0xff) == 0x89
        && b[1] == 'P'
        && b[2] == 'N'
        && b[3] == 'G') {
      return png(b);
    }
    return null;
  }

  /** Walks the marker segments to the first scan, then looks for the end-of-image marker after it. */
  private static String jpeg(byte[] b) {
    int i = 2;
    while (i + 1 < b.length) {
      if ((b[i] & 0xff) != 0xff) {
        return null; // not the structure this walk knows: the decoder decides
      }
      int m = b[i + 1] & 0xff;
      if (m == 0xff || m == 0x01 || (m >= 0xd0 && m <= 0xd8)) {
        i += m == 0xff ? 1 : 2; // fill byte, or a marker without a length
        continue;
      }
      if (m == 0xd9) {
        return null;
      }
      if (i + 3 >= b.length) {
        break;
      }
      int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
      if (m == 0xda) {
        // Entropy-coded data escapes 0xFF as FF 00, so FF D9 after the scan header is the end.
        for (int k = i + 2 + length; k + 1 < b.length; k++) {
          if ((b[k] & 0xff) == 0xff && (b[k + 1] & 0xff) == 0xd9) {
            return null;
          }
        }
        return "truncated JPEG (" + b.length + " bytes, no end-of-image marker)";
      }
      i += 2 + length;
    }
    return "truncated JPEG (" + b.length + " bytes, it ends inside its headers)";
  }

  /** Walks the chunks to IEND. */
  private static String png(byte[] b) {
    long i = PNG_SIGNATURE;
    while (i + 8 <= b.length) {
      int at = (int) i;
      long length =
          ((b[at] & 0xffL) << 24)
              | ((b[at + 1] & 0xff) << 16)
              | ((b[at + 2] & 0xff) << 8)
              | (b[at + 3] & 0xff);
      if (b[at + 4] == 'I' && b[at + 5] == 'E' && b[at + 6] == 'N' && b[at + 7] == 'D') {
        return null;
      }
      i += 12 + length;
    }
    return "truncated PNG (" + b.length + " bytes, no IEND chunk)";
  }
}
