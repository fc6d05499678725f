package org.sorcen.train.eval;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.sorcen.export.SorcenGenerator;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.Tokenizer;

/**
 * Images from a generator (exported, or the model being trained): token grids for seeds
 * {@code offset, offset + 1, …} (the same images for the same seeds on any machine), drawn by the
 * tokenizer's decoder, in batches, with a progress line on {@code log} about every ten seconds.
 */
public final class GeneratedImages {
  /** Seeds per generator call: the decoding loop runs at this batch size. */
  public static final int BATCH = 100;

  private static final long PROGRESS_NANOS = 10_000_000_000L;

  private GeneratedImages() {}

  public static ImageSet sample(
      SorcenGenerator generator,
      Tokenizer tokenizer,
      int count,
      long seedOffset,
      float temperature,
      int steps,
      PrintStream log) {
    return sample(
        (TokenGenerator) generator::generate,
        tokenizer,
        count,
        seedOffset,
        temperature,
        steps,
        log);
  }

  public static ImageSet sample(
      TokenGenerator generator,
      Tokenizer tokenizer,
      int count,
      long seedOffset,
      float temperature,
      int steps,
      PrintStream log) {
    if (count < 1) {
      throw new IllegalArgumentException("need at least one image, got --n " + count);
    }
    int seqLen = tokenizer.spec().seqLen();
    int imageSize =
        tokenizer.spec().outputSize() * tokenizer.spec().outputSize() * tokenizer.spec().channels();
    byte[] pixels = new byte[Math.multiplyExact(count, imageSize)];
    long start = System.nanoTime();
    long lastPrint = start;
    for (int from = 0; from < count; from += BATCH) {
      int n = Math.min(BATCH, count - from);
      long[] seeds = new long[n];
      for (int i = 0; i < n; i++) {
        seeds[i] = seedOffset + from + i;
      }
      long[][] grids = generator.generate(seeds, temperature, steps);
      long[] ids = new long[n * seqLen];
      for (int i = 0; i < n; i++) {
        if (grids[i].length != seqLen) {
          throw new DataException(
              "the generator makes grids of "
                  + grids[i].length
                  + " tokens but the tokenizer "
                  + "decodes grids of "
                  + seqLen
                  + ": pass the tokenizer the generator was trained with");
        }
        System.arraycopy(grids[i], 0, ids, i * seqLen, seqLen);
      }
      System.arraycopy(tokenizer.decode(ids, n), 0, pixels, from * imageSize, n * imageSize);
      long now = System.nanoTime();
      int done = from + n;
      if (log != null && (done == count || now - lastPrint >= PROGRESS_NANOS)) {
        double elapsed = (now - start) / 1e9;
        log.printf(
            "generated %d/%d images | %.1f img/s | ETA %.0fs%n",
            done, count, done / elapsed, elapsed / done * (count - done));
        lastPrint = now;
      }
    }
    int s = tokenizer.spec().outputSize();
    long[] unlabelled = new long[count];
    Arrays.fill(unlabelled, -1);
    return new ImageSet(count, s, s, tokenizer.spec().channels(), pixels, unlabelled, List.of());
  }
}
