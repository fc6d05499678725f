package org.sorcen.train.tokenizer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.Permutations;
import org.sorcen.train.session.SessionSettings;

/**
 * Trains a tokenizer on an in-memory image set: epochs of seeded shuffles (the last partial batch of
 * each epoch is skipped, a different one each time), a progress line on {@code log} about every
 * ten seconds, and an atomically written checkpoint at the end.
 */
public final class TokenizerTrainer {
  /** What a run did: steps, wall time of the steps, and the metrics averaged over its last 10% of steps. */
  public record Summary(long steps, double seconds, double imagesPerSecond, Map<String, Double> finalMetrics) {}

  private static final long PROGRESS_NANOS = 10_000_000_000L;

  private TokenizerTrainer() {}

  public static long stepsPerEpoch(TokenizerConfig cfg, ImageSet data) {
    return data.count() / cfg.train.batchSize;
  }

  public static long totalSteps(TokenizerConfig cfg, ImageSet data) {
    return Math.max(1, Math.round(cfg.train.epochs * stepsPerEpoch(cfg, data)));
  }

  /**
   * @param maxSteps stop after this many steps (the schedule still spans the whole run), or 0 for all;
   *     for measuring throughput before a long run
   */
  public static Summary train(TokenizerConfig cfg, ImageSet data, Path checkpoint, SessionSettings settings,
      long maxSteps, PrintStream log) {
    checkShape(cfg, data);
    long perEpoch = stepsPerEpoch(cfg, data);
    if (perEpoch < 1) {
      throw new DataException(data.count() + " images are fewer than one batch of " + cfg.train.batchSize);
    }
    long total = totalSteps(cfg, data);
    long steps = maxSteps > 0 ? Math.min(maxSteps, total) : total;
    int batch = cfg.train.batchSize;
    int size = data.imageSize();
    byte[] buffer = new byte[batch * size];
    int[] order = new int[data.count()];
    Map<String, Double> window = new LinkedHashMap<>();
    Map<String, Double> tail = new LinkedHashMap<>();
    long tailFrom = steps - Math.max(1, steps / 10);
    int windowSteps = 0;
    try (TokenizerTrainingSession session = new TokenizerTrainingSession(cfg, perEpoch, settings)) {
      long start = System.nanoTime();
      long lastPrint = start;
      for (long step = 0; step < steps; step++) {
        long inEpoch = step % perEpoch;
        if (inEpoch == 0) {
          Permutations.fresh(order, new Random(cfg.train.seed * 1_000_003L + step / perEpoch));
        }
        for (int i = 0; i < batch; i++) {
          System.arraycopy(data.pixels(), order[(int) (inEpoch * batch + i)] * size, buffer, i * size, size);
        }
        Map<String, Double> m = session.step(buffer);
        m.forEach((k, v) -> window.merge(k, v, Double::sum));
        windowSteps++;
        if (step >= tailFrom) {
          m.forEach((k, v) -> tail.merge(k, v / (steps - tailFrom), Double::sum));
        }
        long now = System.nanoTime();
        if (step == 0 || step == steps - 1 || now - lastPrint >= PROGRESS_NANOS) {
          log.println(progress(cfg, step + 1, steps, perEpoch, (now - start) / 1e9, window, windowSteps));
          window.clear();
          windowSteps = 0;
          lastPrint = now;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      session.save(checkpoint);
      return new Summary(steps, seconds, steps * batch / seconds, tail);
    }
  }

  static void checkShape(TokenizerConfig cfg, ImageSet data) {
    if (data.height() != cfg.inputHeight || data.width() != cfg.inputWidth || data.channels() != cfg.channels) {
      throw new DataException("images are " + data.height() + "x" + data.width() + "x" + data.channels()
          + " but the config expects input_height x input_width x channels = " + cfg.inputHeight + "x"
          + cfg.inputWidth + "x" + cfg.channels);
    }
  }


  private static String progress(TokenizerConfig cfg, long done, long steps, long perEpoch, double elapsed,
      Map<String, Double> sums, int n) {
    double rate = done * cfg.train.batchSize / elapsed;
    double eta = elapsed / done * (steps - done);
    double used = sums.get("codes_used") / n;
    return String.format("step %d/%d epoch %.2f | %.0f img/s | ETA %s | loss %.5f rec %.5f commit %.5f | psnr %.2f dB"
        + " | codes/batch %.0f/%d (%.1f%%) restarted %.1f | lr %.2e", done, steps, (double) done / perEpoch, rate,
        duration(eta), sums.get("loss") / n, sums.get("reconstruction") / n, sums.get("commitment") / n,
        sums.get("psnr") / n, used, cfg.codebookSize, 100 * used / cfg.codebookSize, sums.get("codes_restarted") / n,
        sums.get("lr") / n);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
