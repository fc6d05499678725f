package org.sorcen.train.data;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, as TensorFlow writes it: {@code uint64 length (LE), uint32 masked_crc32c(length
 * bytes), data, uint32 masked_crc32c(data)}; masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8.
 * TF Java has no TFRecord writer, so records are framed here.
 */
public final class TfRecords {
  static final int MASK_DELTA = 0xa282ead8;

  private TfRecords() {}

  public static int crc32c(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }

  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  public static int maskedCrc(byte[] data, int offset, int length) {
    return mask(crc32c(data, offset, length));
  }

  /** Appends one framed record. */
  public static void write(OutputStream out, byte[] record) throws IOException {
    byte[] length = littleEndian(record.length, 8);
    out.write(length);
    out.write(littleEndian(maskedCrc(length, 0, 8), 4));
    out.write(record);
    out.write(littleEndian(maskedCrc(record, 0, record.length), 4));
  }

  static byte[] littleEndian(long value, int bytes) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      b[i] = (byte) (value >>> (8 * i));
    }
    return b;
  }
}
