package org.sorcen.train.data;

/** A bit-at-a-time CRC32C (Castagnoli, reflected polynomial 0x82F63B78), independent of java.util.zip. */
final class Crc32cReference {
  private Crc32cReference() {}

  static int crc(byte[] data) {
    int crc = 0xFFFFFFFF;
    for (byte b : data) {
      crc ^= b & 0xFF;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
      }
    }
    return ~crc;
  }

  static int masked(byte[] data) {
    int c = crc(data);
    return ((c >>> 15) | (c << 17)) + 0xa282ead8;
  }
}
