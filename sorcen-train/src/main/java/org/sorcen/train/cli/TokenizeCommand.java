package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.DatasetManifest;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.ImageSources;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDatasetWriter;
import org.sorcen.train.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tokenize", description = "Encode images into a token dataset with a trained tokenizer (offline, "
    + "once: training then reads ids only).")
final class TokenizeCommand implements Callable<Integer> {
  /** Images encoded between progress lines. */
  static final int CHUNK = 5_000;

  @Option(names = "--tokenizer", required = true, description = "Tokenizer SavedModel directory.")
  Path tokenizer;

  @Option(names = "--images", required = true, description = "An IDX directory (train-*/t10k-* files) or a folder "
      + "with one sub-folder of PNG/JPEG per class.")
  Path images;

  @Option(names = "--class-names", split = ",", description = "Class names, or 'fashion-mnist'. Default: "
      + "classes.txt in an IDX directory, sub-folder names in an image folder, else 0..K-1.")
  List<String> classNames;

  @Option(names = "--held-out", defaultValue = "0", description = "When the source has no test split, move the "
      + "last N images into 'test'.")
  int heldOut;

  @Option(names = "--out", required = true, description = "Dataset directory to create.")
  Path out;

  @Option(names = "--overwrite", description = "Replace --out if it exists.")
  boolean overwrite;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Flags.requireAtLeast(spec, "--held-out", heldOut, 0);
    TokenDatasetWriter.requireTarget(out, overwrite); // before encoding every image
    Map<String, ImageSet> splits = new java.util.LinkedHashMap<>(ImageSources.read(images, classNames, 1));
    if (!splits.containsKey("test") && heldOut > 0) {
      ImageSet all = splits.get("train");
      if (heldOut >= all.count()) {
        throw new DataException("--held-out " + heldOut + " leaves no training images of " + all.count());
      }
      splits.put("train", ImageSources.slice(all, 0, all.count() - heldOut));
      splits.put("test", ImageSources.slice(all, all.count() - heldOut, all.count()));
    }
    try (Tokenizer tok = Tokenizer.load(tokenizer)) {
      int seqLen = tok.config().seqLen();
      List<TokenDatasetWriter.SplitRows> rows = new ArrayList<>();
      List<String> names = List.of();
      long start = System.nanoTime();
      long done = 0;
      long total = splits.values().stream().mapToLong(ImageSet::count).sum();
      for (var e : splits.entrySet()) {
        ImageSet set = e.getValue();
        names = set.classNames();
        long[] ids = new long[set.count() * seqLen];
        for (int from = 0; from < set.count(); from += CHUNK) {
          int to = Math.min(set.count(), from + CHUNK);
          long[] chunk = tok.encode(ImageSources.slice(set, from, to));
          System.arraycopy(chunk, 0, ids, from * seqLen, chunk.length);
          done += to - from;
          double s = (System.nanoTime() - start) / 1e9;
          System.err.printf(Locale.ROOT, "tokenize: %s %d/%d images, %.0f images/s%n", e.getKey(), done, total, done / s);
        }
        rows.add(new TokenDatasetWriter.SplitRows(e.getKey(), new TokenArrays(set.count(), seqLen, ids, set.labels(),
            set.classNames())));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      DatasetManifest m = TokenDatasetWriter.write(out, tok.config().grid(), tok.config().codebookSize, names,
          tok.fingerprint(), rows, overwrite);
      System.out.printf(Locale.ROOT, "wrote %s: %d records %s, %dx%d grid, C = %d; %.0f images/s%n", out, m.records(),
          m.splits.keySet(), m.grid, m.grid, m.codebookSize, total / seconds);
    }
    return 0;
  }
}
