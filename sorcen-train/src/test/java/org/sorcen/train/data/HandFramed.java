package org.sorcen.train.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * TFRecord bytes and tf.train.Example bytes written from the formats' definitions, without the
 * project's writer or the protobuf library: an independent implementation to test against.
 */
final class HandFramed {
  private HandFramed() {}

  /** [uint64 LE length][uint32 LE masked crc of those 8 bytes][data][uint32 LE masked crc of data]. */
  static byte[] frame(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] len = new byte[8];
    for (int i = 0; i < 8; i++) {
      len[i] = (byte) ((long) data.length >>> (8 * i));
    }
    out.writeBytes(len);
    out.writeBytes(le32(Crc32cReference.masked(len)));
    out.writeBytes(data);
    out.writeBytes(le32(Crc32cReference.masked(data)));
    return out.toByteArray();
  }

  private static byte[] le32(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  /**
   * Example{features{feature{"tokens": int64_list{packed ids}}, feature{"label": int64_list{label}}}}
   * in protobuf wire format: tag = field << 3 | 2 (length-delimited) throughout.
   */
  static byte[] example(long[] tokens, long label) {
    byte[] features =
        concat(
            mapEntry("tokens", int64Feature(tokens)),
            mapEntry("label", int64Feature(new long[] {label})));
    return lengthDelimited(1, features); // Example.features = 1
  }

  private static byte[] mapEntry(String key, byte[] feature) {
    byte[] entry =
        concat(
            lengthDelimited(1, key.getBytes(StandardCharsets.UTF_8)), lengthDelimited(2, feature));
    return lengthDelimited(1, entry); // Features.feature = 1 (map entries)
  }

  private static byte[] int64Feature(long[] values) {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    for (long v : values) {
      packed.writeBytes(varint(v));
    }
    byte[] int64List = lengthDelimited(1, packed.toByteArray()); // Int64List.value = 1, packed
    return lengthDelimited(3, int64List); // Feature.int64_list = 3
  }

  private static byte[] lengthDelimited(int field, byte[] body) {
    return concat(varint((field << 3) | 2), varint(body.length), body);
  }

  /** Base-128 varint; negative int64 values take ten bytes, as protobuf encodes them. */
  private static byte[] varint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
