package org.sorcen.train.data.importers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.sorcen.graph.weights.Echo;
import org.sorcen.train.data.DataException;

/**
 * The header of a .npy (format 1.0, 2.0 or 3.0): magic \x93NUMPY, version, header length (2 bytes
 * in 1.0, 4 after), then a Python dict literal such as
 * {@code {'descr': '<i8', 'fortran_order': False, 'shape': (3, 4), }}. numpy always writes it with
 * these three keys, so reading them with patterns is enough; a full Python parser is not needed.
 */
record NpyHeader(String where, NpyDtype dtype, long[] shape, long dataOffset) {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  // numpy itself refuses headers over 10000 bytes by default; this only guards against garbage.
  private static final int MAX_HEADER = 1 << 20;

  /** numpy's own limit on dimensions. */
  static final int MAX_RANK = 64;

  /** Largest array the JVM hands out, with a margin. */
  static final long MAX_VALUES = Integer.MAX_VALUE - 16;

  /** Reads the header from {@code in}, leaving it at the first data byte. */
  static NpyHeader read(InputStream in, String where) throws IOException {
    byte[] start = in.readNBytes(8);
    if (start.length < 8 || !Arrays.equals(start, 0, 6, MAGIC, 0, 6)) {
      throw new DataException(
          where
              + " is not a npy file: it starts with "
              + hex(start)
              + ", a .npy starts with"
              + " \\x93NUMPY (93 4e 55 4d 50 59)");
    }
    int major = start[6];
    int minor = start[7];
    if (major < 1 || major > 3) {
      throw new DataException(
          where
              + " has npy format version "
              + major
              + "."
              + minor
              + ": 1.0, 2.0 and 3.0 are"
              + " read");
    }
    int lengthBytes = major == 1 ? 2 : 4;
    byte[] lengthField = in.readNBytes(lengthBytes);
    if (lengthField.length < lengthBytes) {
      throw new DataException(
          where
              + " is truncated: expected "
              + lengthBytes
              + " bytes of header length at offset"
              + " 8, there are "
              + lengthField.length);
    }
    ByteBuffer lb = ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN);
    long length = major == 1 ? lb.getChar(0) : Integer.toUnsignedLong(lb.getInt(0));
    if (length > MAX_HEADER) {
      throw new DataException(
          where
              + ": header length "
              + length
              + " at offset 8 is implausible; the file is"
              + " corrupt");
    }
    long textOffset = 8 + lengthBytes;
    byte[] textBytes = in.readNBytes((int) length);
    if (textBytes.length < length) {
      throw new DataException(
          where
              + " is truncated: expected "
              + length
              + " bytes of header at offset "
              + textOffset
              + ", there are "
              + textBytes.length);
    }
    // Version 3.0 exists only to allow UTF-8 in field names; 1.0 and 2.0 are Latin-1.
    String text =
        new String(textBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    return parse(text.strip(), where, textOffset + length);
  }

  private static NpyHeader parse(String text, String where, long dataOffset) {
    if (Pattern.compile("['\"]descr['\"]\\s*:\\s*\\[").matcher(text).find()) {
      throw new DataException(
          where
              + " holds a structured array ("
              + Echo.text(text)
              + "): save a plain integer"
              + " array");
    }
    String descr = value(text, "descr", "['\"]([^'\"]*)['\"]", where);
    NpyDtype dtype = NpyDtype.parse(descr, where);
    if (value(text, "fortran_order", "(True|False)", where).equals("True")) {
      throw new DataException(
          where
              + " is in Fortran (column-major) order: save it in C order, e.g."
              + " np.save(path, np.ascontiguousarray(arr))");
    }
    String dims = value(text, "shape", "\\(([^)]*)\\)", where).strip();
    String[] parts = dims.isEmpty() ? new String[0] : dims.split(",", -1);
    if (parts.length > MAX_RANK + 1) {
      throw new DataException(
          where + ": the npy shape has " + parts.length + " dimensions (at most " + MAX_RANK + ")");
    }
    long[] shape = new long[parts.length];
    int rank = 0;
    for (int i = 0; i < parts.length; i++) {
      String d = parts[i].strip();
      if (d.isEmpty() && i == parts.length - 1) {
        continue; // the trailing comma of (3,)
      }
      if (!d.matches("[0-9]+L?")) { // Python 2 wrote longs as 3L
        throw new DataException(
            where
                + ": npy shape entry "
                + (i + 1)
                + ", "
                + Echo.of(d)
                + ", is not a non-negative"
                + " integer; the header is corrupt");
      }
      if (d.length() > 18) { // 18 digits always fit a long; past them no dimension fits an array
        throw new DataException(
            where
                + ": npy shape entry "
                + (i + 1)
                + ", "
                + Echo.of(d)
                + ", is larger than a Java array can hold"
                + " (2^31 - 17); the header is corrupt");
      }
      shape[rank++] = Long.parseLong(d.endsWith("L") ? d.substring(0, d.length() - 1) : d);
    }
    shape = Arrays.copyOf(shape, rank);
    NpyHeader h = new NpyHeader(where, dtype, shape, dataOffset);
    h.checkFitsAnArray();
    return h;
  }

  private static String value(String text, String key, String valuePattern, String where) {
    Matcher m = Pattern.compile("['\"]" + key + "['\"]\\s*:\\s*" + valuePattern).matcher(text);
    if (!m.find()) {
      throw new DataException(
          where + ": the npy header has no readable '" + key + "': " + Echo.text(text));
    }
    return m.group(1);
  }

  /** The shape as numpy prints it, e.g. (3, 4), cut short for a message when long. */
  String shapeText() {
    return Echo.text(
        Arrays.stream(shape)
            .mapToObj(Long::toString)
            .collect(Collectors.joining(", ", "(", shape.length == 1 ? ",)" : ")")));
  }

  /** The number of values; {@link #checkFitsAnArray} made sure it fits. */
  long count() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /**
   * Refuses a shape whose product, with each 0 taken as 1, exceeds a Java array: so the count,
   * the rows and every row length fit an int, and a (0, 2^62) shape cannot overflow either.
   */
  private void checkFitsAnArray() {
    long n = 1;
    for (long d : shape) {
      if (d > 1 && n > MAX_VALUES / d) {
        throw new DataException(
            where
                + ": shape "
                + shapeText()
                + " holds more values than a Java array"
                + " can (2^31 - 17): split it into several files");
      }
      n *= Math.max(d, 1);
    }
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(s.length() == 0 ? "" : " ").append(String.format("%02x", x & 0xFF));
    }
    return b.length == 0 ? "nothing (empty file)" : s.toString();
  }
}
