package org.sorcen.graph.weights;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * A value read from an untrusted file, as an error message may quote it: at most {@link #LIMIT}
 * characters, control characters escaped, and containers described by their size rather than
 * printed (a file can hold a 100,000-digit integer or a structure nested 200,000 deep).
 */
public final class Echo {
  public static final int LIMIT = 80;

  private Echo() {}

  /** {@code value} for a message: a string quoted, a number as digits, a container as its kind and size. */
  public static String of(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof CharSequence s) {
      return "'" + text(s.toString()) + "'";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return text(value.toString());
    }
    if (value instanceof Object[] a) {
      return "a tuple of " + a.length;
    }
    if (value instanceof byte[] b) {
      return "bytes of length " + b.length;
    }
    if (value instanceof Map<?, ?> m) {
      return "a dict of " + m.size();
    }
    if (value instanceof Collection<?> c) {
      return (value instanceof Set<?> ? "a set of " : "a list of ") + c.size();
    }
    return "a " + value.getClass().getSimpleName();
  }

  /** {@code s} cut to {@link #LIMIT} characters (saying how long it was) with line breaks and controls escaped. */
  public static String text(String s) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    for (; i < s.length() && b.length() < LIMIT; i++) {
      char c = s.charAt(i);
      b.append(
          Character.isISOControl(c) ? String.format("\\x%02x", (int) c & 0xFF) : String.valueOf(c));
    }
    return i == s.length() ? b.toString() : b + "... (" + s.length() + " characters)";
  }
}
