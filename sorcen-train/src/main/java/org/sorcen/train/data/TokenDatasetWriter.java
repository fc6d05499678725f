package org.sorcen.train.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.sorcen.export.io.AtomicFiles;

/**
 * Writes a token dataset directory: TFRecord shards per split plus {@code dataset.json}. Every id
 * is checked against the codebook first. Everything is written into a temporary sibling directory
 * that is renamed into place at the end, so a failed or interrupted write leaves nothing behind.
 */
public final class TokenDatasetWriter {
  /** Records per shard: a few MB of token grids, enough for the shuffle to mix across shards. */
  public static final int RECORDS_PER_SHARD = 10_000;

  private TokenDatasetWriter() {}

  /** A named split of rows to write. */
  public record SplitRows(String name, TokenArrays rows) {}

  /** Refuses an existing {@code dir} without {@code overwrite}: commands call it before any work. */
  public static void requireTarget(Path dir, boolean overwrite) {
    if (Files.exists(dir) && !overwrite) {
      throw new DataException(dir + " already exists: choose another --out or pass --overwrite");
    }
  }

  public static DatasetManifest write(
      Path dir,
      int grid,
      int codebookSize,
      List<String> classNames,
      String tokenizerFingerprint,
      List<SplitRows> splits,
      boolean overwrite) {
    return write(
        dir, grid, codebookSize, classNames, tokenizerFingerprint, splits, null, overwrite);
  }

  /** As above, recording the images the ids were made from ({@code source} may be null). */
  public static DatasetManifest write(
      Path dir,
      int grid,
      int codebookSize,
      List<String> classNames,
      String tokenizerFingerprint,
      List<SplitRows> splits,
      DatasetManifest.Source source,
      boolean overwrite) {
    for (SplitRows s : splits) {
      check(s, grid, codebookSize, classNames.size());
    }
    requireTarget(dir, overwrite);
    DatasetManifest m = new DatasetManifest();
    m.grid = grid;
    m.codebookSize = codebookSize;
    m.numClasses = classNames.size();
    m.classNames = List.copyOf(classNames);
    m.tokenizerFingerprint = tokenizerFingerprint;
    m.source = source;
    // Written whole into a hidden sibling and renamed: a reader never sees half a dataset.
    AtomicFiles.writeDirectory(
        dir,
        overwrite,
        tmp -> {
          for (SplitRows s : splits) {
            m.splits.put(s.name(), writeSplit(tmp, s));
          }
          Files.writeString(tmp.resolve(DatasetManifest.FILE), m.toJson());
        });
    return m;
  }

  private static DatasetManifest.Split writeSplit(Path dir, SplitRows s) throws IOException {
    TokenArrays rows = s.rows();
    int shards = Math.max(1, (rows.count() + RECORDS_PER_SHARD - 1) / RECORDS_PER_SHARD);
    DatasetManifest.Split split = new DatasetManifest.Split();
    split.records = rows.count();
    for (int k = 0; k < shards; k++) {
      String name = String.format("%s-%05d-of-%05d.tfrecord", s.name(), k, shards);
      int from = (int) ((long) rows.count() * k / shards);
      int to = (int) ((long) rows.count() * (k + 1) / shards);
      try (OutputStream out =
          new BufferedOutputStream(Files.newOutputStream(dir.resolve(name)), 1 << 16)) {
        for (int r = from; r < to; r++) {
          long[] ids = Arrays.copyOfRange(rows.ids(), r * rows.seqLen(), (r + 1) * rows.seqLen());
          TfRecords.write(out, new TokenRecord(ids, rows.labels()[r]).toBytes());
        }
      }
      split.shards.add(name);
    }
    return split;
  }

  private static void check(SplitRows s, int grid, int codebookSize, int numClasses) {
    TokenArrays rows = s.rows();
    if (rows.seqLen() != grid * grid) {
      throw new DataException(
          "split '"
              + s.name()
              + "': rows of "
              + rows.seqLen()
              + " ids do not fit a "
              + grid
              + "x"
              + grid
              + " grid ("
              + grid * grid
              + " ids)");
    }
    long[] ids = rows.ids();
    for (int k = 0; k < ids.length; k++) {
      if (ids[k] < 0 || ids[k] >= codebookSize) {
        throw new DataException(
            "split '"
                + s.name()
                + "': row "
                + k / rows.seqLen()
                + ", position "
                + k % rows.seqLen()
                + ": id "
                + ids[k]
                + " is outside [0, "
                + codebookSize
                + ") (wrong --codebook-size?)");
      }
    }
    for (int r = 0; r < rows.count(); r++) {
      long l = rows.labels()[r];
      if (l < -1 || (numClasses > 0 && l >= numClasses) || (numClasses == 0 && l != -1)) {
        throw new DataException(
            "split '"
                + s.name()
                + "': row "
                + r
                + " has label "
                + l
                + ", outside [-1, "
                + numClasses
                + ")");
      }
    }
  }
}
