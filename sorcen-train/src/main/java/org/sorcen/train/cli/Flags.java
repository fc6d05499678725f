package org.sorcen.train.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Range checks of numeric options, made first thing in a command's {@code call()}: a value out of
 * range is a usage error (one line, exit 2, see {@link SorcenCli#usageError}) before any file is
 * read or written and before TensorFlow sees it. A null value (an option left out) passes.
 */
final class Flags {
  private Flags() {}

  static void requireAtLeast(CommandSpec spec, String option, Number value, long min) {
    if (value != null && value.longValue() < min) {
      throw new ParameterException(
          spec.commandLine(), option + " must be at least " + min + ", got " + value);
    }
  }

  static void requireInRange(CommandSpec spec, String option, Number value, long min, long max) {
    if (value != null && (value.longValue() < min || value.longValue() > max)) {
      throw new ParameterException(
          spec.commandLine(), option + " must be in " + min + ".." + max + ", got " + value);
    }
  }

  static void requirePositive(CommandSpec spec, String option, Number value) {
    if (value != null && !(value.doubleValue() > 0 && Double.isFinite(value.doubleValue()))) {
      throw new ParameterException(
          spec.commandLine(), option + " must be a finite number above 0, got " + value);
    }
  }

  static void requireNonNegative(CommandSpec spec, String option, Number value) {
    if (value != null && !(value.doubleValue() >= 0 && Double.isFinite(value.doubleValue()))) {
      throw new ParameterException(
          spec.commandLine(), option + " must be a finite number of at least 0, got " + value);
    }
  }
}
