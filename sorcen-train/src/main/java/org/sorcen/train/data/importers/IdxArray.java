package org.sorcen.train.data.importers;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.sorcen.train.data.DataException;

/**
 * One uint8 IDX file (the MNIST format): magic 00 00 08 rank, rank big-endian int32 dims, then
 * the values row-major. Only uint8 is read because that is all MNIST-like data sets use.
 */
record IdxArray(int[] dims, byte[] values) {
  private static final int UBYTE = 0x08;

  /** Reads {@code file} and checks it is uint8 of {@code rank} dims ({@code meaning} is for messages). */
  static IdxArray read(Path file, int rank, String meaning) {
    MaybeGzipped content = MaybeGzipped.read(file);
    byte[] b = content.bytes();
    String where = content.gzipped() ? file + " (offsets after gunzip)" : file.toString();
    int expectedMagic = UBYTE << 8 | rank;
    if (b.length < 4) {
      throw truncated(where, "the magic number", 4, 0, b.length);
    }
    int magic = ByteBuffer.wrap(b).getInt(0);
    if (b[0] != 0 || b[1] != 0) {
      throw new DataException(
          String.format(
              "%s is not an IDX file: bad magic 0x%08X, expected 0x%08X (%s)",
              file, magic, expectedMagic, meaning));
    }
    int type = b[2] & 0xFF;
    if (type != UBYTE) {
      throw new DataException(
          String.format(
              "%s has unsupported dtype code 0x%02X (%s) in magic 0x%08X: only 0x08"
                  + " (unsigned byte) is read, expected magic 0x%08X (%s)",
              file, type, typeName(type), magic, expectedMagic, meaning));
    }
    if ((b[3] & 0xFF) != rank) {
      throw new DataException(
          String.format(
              "%s has bad magic 0x%08X (%d dims), expected 0x%08X (%s): is it the" + " %s file?",
              file,
              magic,
              b[3] & 0xFF,
              expectedMagic,
              meaning,
              rank == 1 ? "images and not the labels" : "labels and not the images"));
    }
    int headerLength = 4 + 4 * rank;
    if (b.length < headerLength) {
      throw truncated(where, "header", headerLength, 0, b.length);
    }
    int[] dims = new int[rank];
    long count = 1;
    for (int d = 0; d < rank; d++) {
      dims[d] = ByteBuffer.wrap(b).getInt(4 + 4 * d);
      if (dims[d] < 0) {
        throw new DataException(
            where
                + ": dimension "
                + d
                + " at offset "
                + (4 + 4 * d)
                + " is "
                + dims[d]
                + " (read as signed int32); the header is corrupt");
      }
      // Three int32 dims can overflow a long; past the bytes there are, the count is only "too
      // many".
      count = count > b.length ? count * Math.min(dims[d], 1) : count * dims[d];
    }
    long available = b.length - headerLength;
    String shape = Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    if (available < count) {
      throw truncated(where, "data (" + shape + " uint8)", count, headerLength, available);
    }
    if (available > count) {
      throw new DataException(
          where
              + " holds "
              + available
              + " bytes of data at offset "
              + headerLength
              + " but its dims "
              + shape
              + " need "
              + count
              + ": the header does not describe this file");
    }
    return new IdxArray(dims, Arrays.copyOfRange(b, headerLength, b.length));
  }

  private static DataException truncated(
      String where, String what, long expected, long offset, long found) {
    return new DataException(
        where
            + " is truncated: expected "
            + expected
            + " bytes of "
            + what
            + " at offset "
            + offset
            + ", there are "
            + found
            + " (download the file again)");
  }

  private static String typeName(int code) {
    return switch (code) {
      case 0x09 -> "signed byte";
      case 0x0B -> "int16";
      case 0x0C -> "int32";
      case 0x0D -> "float32";
      case 0x0E -> "float64";
      default -> "not an IDX type";
    };
  }
}
