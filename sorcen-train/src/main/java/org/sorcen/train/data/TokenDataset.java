package org.sorcen.train.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.config.ModelConfig;

/**
 * An opened token dataset directory: its manifest, checked against the files on disk and against
 * a model config. {@link #verify} reads every record once in Java, so that a damaged shard, an id
 * outside the codebook or a record of the wrong length is reported by file and record before a
 * training run starts.
 */
public final class TokenDataset {
  private final Path dir;
  private final DatasetManifest manifest;

  private TokenDataset(Path dir, DatasetManifest manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  public static TokenDataset open(Path dir) {
    DatasetManifest m = DatasetManifest.read(dir);
    for (var e : m.splits.entrySet()) {
      for (String shard : e.getValue().shards) {
        if (!Files.isRegularFile(dir.resolve(shard))) {
          throw new DataException(
              dir.resolve(DatasetManifest.FILE)
                  + ": split '"
                  + e.getKey()
                  + "' lists "
                  + shard
                  + ", which is missing");
        }
      }
    }
    return new TokenDataset(dir, m);
  }

  public Path dir() {
    return dir;
  }

  public DatasetManifest manifest() {
    return manifest;
  }

  public List<Path> shards(String split) {
    return manifest.split(split, dir).shards.stream().map(dir::resolve).toList();
  }

  /** Refuses a model whose grid or codebook differs from the data's, naming both values. */
  public void checkCompatible(ModelConfig model, String configName) {
    List<String> problems = new ArrayList<>();
    if (model.grid != manifest.grid) {
      problems.add("model.grid is " + model.grid + " but the dataset's grid is " + manifest.grid);
    }
    if (model.codebookSize != manifest.codebookSize) {
      problems.add(
          "model.codebook_size is "
              + model.codebookSize
              + " but the dataset's is "
              + manifest.codebookSize);
    }
    if (model.numClasses > 0
        && manifest.numClasses > 0
        && model.numClasses != manifest.numClasses) {
      problems.add(
          "model.num_classes is "
              + model.numClasses
              + " but the dataset has "
              + manifest.numClasses);
    }
    if (!problems.isEmpty()) {
      throw new DataException(
          "config '"
              + configName
              + "' does not fit dataset "
              + dir
              + ": "
              + String.join("; ", problems)
              + " (fix the config, e.g. --set model.grid="
              + manifest.grid
              + ")");
    }
  }

  /** Reads every record of a split and checks framing, length, id range and label; returns the count. */
  public long verify(String split) {
    int seqLen = manifest.grid * manifest.grid;
    long total = 0;
    for (Path shard : shards(split)) {
      try (TfRecordReader reader = new TfRecordReader(shard)) {
        byte[] bytes;
        while (true) {
          long index = reader.index();
          bytes = reader.next();
          if (bytes == null) {
            break;
          }
          String where = shard + ": record " + index;
          TokenRecord r = TokenRecord.parse(bytes, where);
          if (r.tokens().length != seqLen) {
            throw new DataException(
                where
                    + ": "
                    + r.tokens().length
                    + " tokens, the dataset's "
                    + manifest.grid
                    + "x"
                    + manifest.grid
                    + " grid needs "
                    + seqLen);
          }
          for (int i = 0; i < seqLen; i++) {
            if (r.tokens()[i] < 0 || r.tokens()[i] >= manifest.codebookSize) {
              throw new DataException(
                  where
                      + ": token "
                      + i
                      + " is "
                      + r.tokens()[i]
                      + ", outside [0, "
                      + manifest.codebookSize
                      + ")");
            }
          }
          if (r.label() < -1 || (manifest.numClasses > 0 && r.label() >= manifest.numClasses)) {
            throw new DataException(
                where + ": label " + r.label() + " is outside [-1, " + manifest.numClasses + ")");
          }
          total++;
        }
      }
    }
    long expected = manifest.split(split, dir).records;
    if (total != expected) {
      throw new DataException(
          dir.resolve(DatasetManifest.FILE)
              + ": split '"
              + split
              + "' declares "
              + expected
              + " records but its shards hold "
              + total);
    }
    return total;
  }

  /** All rows of a split in memory (for evaluation and small data). */
  public TokenArrays readAll(String split) {
    int seqLen = manifest.grid * manifest.grid;
    int n = Math.toIntExact(manifest.split(split, dir).records);
    long[] ids = new long[n * seqLen];
    long[] labels = new long[n];
    int row = 0;
    for (Path shard : shards(split)) {
      try (TfRecordReader reader = new TfRecordReader(shard)) {
        for (byte[] b = reader.next(); b != null && row < n; b = reader.next()) {
          TokenRecord r = TokenRecord.parse(b, shard + ": record " + (reader.index() - 1));
          if (r.tokens().length != seqLen) {
            throw new DataException(
                shard
                    + ": record "
                    + (reader.index() - 1)
                    + " has "
                    + r.tokens().length
                    + " tokens, expected "
                    + seqLen);
          }
          System.arraycopy(r.tokens(), 0, ids, row * seqLen, seqLen);
          labels[row++] = r.label();
        }
      }
    }
    if (row != n) {
      throw new DataException(
          dir + ": split '" + split + "' declares " + n + " records but holds " + row);
    }
    return new TokenArrays(n, seqLen, ids, labels, manifest.classNames);
  }
}
