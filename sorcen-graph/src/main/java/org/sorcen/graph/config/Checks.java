package org.sorcen.graph.config;

import java.util.Arrays;
import java.util.List;

/** Small validation helpers that phrase each problem as "key: what is wrong, what to change". */
public final class Checks {
  private Checks() {}

  public static void atLeast(List<String> errors, String key, long value, long min) {
    if (value < min) {
      errors.add(key + " must be >= " + min + ", got " + value);
    }
  }

  public static void positive(List<String> errors, String key, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      errors.add(key + " must be finite and > 0, got " + value);
    }
  }

  public static void nonNegative(List<String> errors, String key, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      errors.add(key + " must be finite and >= 0, got " + value);
    }
  }

  public static void inRange(List<String> errors, String key, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      errors.add(key + " must be in [" + lo + ", " + hi + "], got " + value);
    }
  }

  public static void divides(
      List<String> errors, String divisorKey, int divisor, String key, int value) {
    if (divisor < 1) {
      errors.add(divisorKey + " must be >= 1, got " + divisor);
    } else if (value < 1 || value % divisor != 0) {
      errors.add(divisorKey + " (" + divisor + ") must divide " + key + " (" + value + ")");
    }
  }

  public static void oneOf(List<String> errors, String key, String value, String... allowed) {
    if (value == null || !Arrays.asList(allowed).contains(value)) {
      errors.add(key + " must be one of " + Arrays.toString(allowed) + ", got " + value);
    }
  }
}
