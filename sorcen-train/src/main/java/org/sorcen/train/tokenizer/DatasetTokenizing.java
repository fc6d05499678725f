package org.sorcen.train.tokenizer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sorcen.train.data.DatasetManifest;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.ImageSources;
import org.sorcen.train.data.SourceImages;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDatasetWriter;
import org.sorcen.train.data.Tokenizer;

/**
 * Images to a token dataset with a trained tokenizer: every split of an image source encoded in
 * chunks, with progress, into a dataset whose manifest records the tokenizer's fingerprint. The
 * library call behind {@code ./sorcen tokenize} and the experiment's first stage.
 */
public final class DatasetTokenizing {
  /**
   * Input pixels encoded between progress lines: 5000 images of 32×32, a few seconds with our
   * tokenizer; 78 images of 256×256 with MAGE's VQGAN, under a minute.
   */
  private static final long CHUNK_PIXELS = 5_000L * 32 * 32;

  /** What to tokenize: {@code heldOut} moves the last N images into 'test' when the source has none. */
  public record Request(
      Path tokenizer,
      Path images,
      List<String> classNames,
      int heldOut,
      Path out,
      boolean overwrite) {}

  private DatasetTokenizing() {}

  /** Writes the dataset (refusing an existing {@code out} first, unless overwriting); returns its manifest. */
  public static DatasetManifest run(Request r, PrintStream log) {
    TokenDatasetWriter.requireTarget(r.out(), r.overwrite()); // before encoding every image
    int channels = Tokenizer.spec(r.tokenizer()).channels();
    Map<String, ImageSet> splits =
        SourceImages.read(r.images(), r.classNames(), r.heldOut(), channels);
    try (Tokenizer tok = Tokenizer.load(r.tokenizer())) {
      int seqLen = tok.spec().seqLen();
      int chunk =
          (int)
              Math.max(
                  1, CHUNK_PIXELS / ((long) tok.spec().inputHeight() * tok.spec().inputWidth()));
      List<TokenDatasetWriter.SplitRows> rows = new ArrayList<>();
      List<String> names = List.of();
      long start = System.nanoTime();
      long done = 0;
      long total = splits.values().stream().mapToLong(ImageSet::count).sum();
      for (var e : splits.entrySet()) {
        ImageSet set = e.getValue();
        names = set.classNames();
        long[] ids = new long[set.count() * seqLen];
        for (int from = 0; from < set.count(); from += chunk) {
          int to = Math.min(set.count(), from + chunk);
          long[] encoded = tok.encode(ImageSources.slice(set, from, to));
          System.arraycopy(encoded, 0, ids, from * seqLen, encoded.length);
          done += to - from;
          double s = (System.nanoTime() - start) / 1e9;
          log.printf(
              Locale.ROOT,
              "tokenize: %s %d/%d images, %.0f images/s%n",
              e.getKey(),
              done,
              total,
              done / s);
        }
        rows.add(
            new TokenDatasetWriter.SplitRows(
                e.getKey(),
                new TokenArrays(set.count(), seqLen, ids, set.labels(), set.classNames())));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      DatasetManifest m =
          TokenDatasetWriter.write(
              r.out(),
              tok.spec().grid(),
              tok.spec().codebookSize(),
              names,
              tok.fingerprint(),
              rows,
              SourceImages.describe(r.out(), r.images(), r.heldOut()),
              r.overwrite());
      log.printf(
          Locale.ROOT,
          "tokenize: wrote %s: %d records %s, %dx%d grid, C = %d; %.0f images/s%n",
          r.out(),
          m.records(),
          m.splits.keySet(),
          m.grid,
          m.grid,
          m.codebookSize,
          total / seconds);
      return m;
    }
  }
}
