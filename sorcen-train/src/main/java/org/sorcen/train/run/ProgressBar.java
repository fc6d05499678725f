package org.sorcen.train.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a run on stderr: epoch, step, ETA, samples/s and the loss terms. On a terminal the
 * line is redrawn in place; otherwise (logs, CI) a line is printed every {@code everySteps}.
 */
public final class ProgressBar {
  private final PrintStream out;
  private final long totalSteps;
  private final boolean inPlace;
  private final long startNanos = System.nanoTime();
  private final long startStep;

  public ProgressBar(PrintStream out, long startStep, long totalSteps) {
    this.out = out;
    this.startStep = startStep;
    this.totalSteps = totalSteps;
    this.inPlace = System.console() != null;
  }

  public void update(
      long step, double epoch, double samplesPerSecond, String losses, boolean lineDue) {
    if (!inPlace && !lineDue && step != totalSteps) {
      return;
    }
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    long done = step - startStep;
    double eta = done > 0 ? elapsed / done * (totalSteps - step) : Double.NaN;
    int width = 24;
    int filled = (int) (width * step / Math.max(1, totalSteps));
    String bar = "#".repeat(filled) + "-".repeat(width - filled);
    String line =
        String.format(
            Locale.ROOT,
            "[%s] epoch %.2f step %d/%d  ETA %s  %.1f samples/s  %s",
            bar,
            epoch,
            step,
            totalSteps,
            duration(eta),
            samplesPerSecond,
            losses);
    if (inPlace) {
      out.print("\r" + line + "\u001b[K");
      if (step == totalSteps) {
        out.println();
      }
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Ends an in-place line before other output. */
  public void breakLine() {
    if (inPlace) {
      out.println();
    }
  }

  static String duration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return "--:--";
    }
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%02d:%02d", s / 60, s % 60);
  }
}
