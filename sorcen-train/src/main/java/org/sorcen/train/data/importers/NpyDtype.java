package org.sorcen.train.data.importers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sorcen.graph.weights.Echo;
import org.sorcen.train.data.DataException;

/** The integer dtypes a .npy may hold, read into {@code long}: signed or unsigned, 1 to 8 bytes. */
record NpyDtype(String descr, ByteOrder order, boolean unsigned, int size) {
  static final String SUPPORTED = "|i1 |u1 <i2 <u2 <i4 <u4 <i8 and big-endian >i2 >u2 >i4 >u4 >i8";
  private static final Pattern INTEGER = Pattern.compile("([<>|])([iu])([1248])");

  static NpyDtype parse(String descr, String where) {
    if (descr.matches("[<>|=]?O\\d*")) {
      throw new DataException(
          where
              + " holds Python objects (dtype "
              + Echo.of(descr)
              + "), which cannot be read without"
              + " pickle: save an integer array, e.g. np.asarray(tokens, dtype=np.int64)");
    }
    Matcher m = INTEGER.matcher(descr);
    // u8 is left out: values past 2^63 would not fit a long, and no token id needs them.
    boolean supported =
        m.matches()
            && !(m.group(2).equals("u") && m.group(3).equals("8"))
            && !(m.group(1).equals("|") && !m.group(3).equals("1"));
    if (!supported) {
      throw new DataException(
          where
              + " has dtype "
              + Echo.of(descr)
              + ", which is not supported; supported: "
              + SUPPORTED
              + " (convert with arr.astype(np.int64))");
    }
    ByteOrder order = m.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    return new NpyDtype(descr, order, m.group(2).equals("u"), Integer.parseInt(m.group(3)));
  }

  /** The value at {@code index} (in items) of {@code b}, which has this dtype's byte order. */
  long get(ByteBuffer b, int index) {
    int at = index * size;
    return switch (size) {
      case 1 -> unsigned ? b.get(at) & 0xFFL : b.get(at);
      case 2 -> unsigned ? b.getChar(at) : b.getShort(at);
      case 4 -> unsigned ? Integer.toUnsignedLong(b.getInt(at)) : b.getInt(at);
      default -> b.getLong(at);
    };
  }
}
