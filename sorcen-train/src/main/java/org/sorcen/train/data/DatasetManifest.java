package org.sorcen.train.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.config.JsonErrors;

/**
 * {@code dataset.json}: what a token dataset directory holds. Splits (e.g. "train", "test") each
 * list their TFRecord shards and record count.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class DatasetManifest {
  public static final String FILE = "dataset.json";
  public static final String FORMAT = "sorcen-token-dataset";

  public String format = FORMAT;
  public int version = 1;
  public int codebookSize;
  public int grid;
  public int numClasses;
  public List<String> classNames = new ArrayList<>();

  /** Fingerprint of the tokenizer that made the ids, or null when they were imported. */
  public String tokenizerFingerprint;

  public Map<String, Split> splits = new LinkedHashMap<>();

  /** The images the ids were made from, or null (imported ids, or a dataset written before this field). */
  public Source source;

  /** One split's shards, relative to the dataset directory. */
  public static final class Split {
    public long records;
    public List<String> shards = new ArrayList<>();
  }

  /**
   * Where the source images are: {@code images} relative to the dataset directory, and how many of
   * the last training images {@code tokenize --held-out} moved into 'test'. With it, the raw-pixel
   * reference point is computed on exactly the rows the ids encode.
   */
  public static final class Source {
    public String images;
    public int heldOut;
  }

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.INDENT_OUTPUT);

  public long records() {
    return splits.values().stream().mapToLong(s -> s.records).sum();
  }

  public Split split(String name, Path dir) {
    Split s = splits.get(name);
    if (s == null) {
      throw new DataException(
          dir.resolve(FILE) + ": no split '" + name + "'; it has " + splits.keySet());
    }
    return s;
  }

  public static DatasetManifest read(Path dir) {
    Path file = dir.resolve(FILE);
    DatasetManifest m;
    try {
      m = MAPPER.readValue(Files.readString(file), DatasetManifest.class);
    } catch (NoSuchFileException e) {
      throw new DataException(
          dir
              + " is not a token dataset: "
              + FILE
              + " is missing (make one with ./sorcen tokenize "
              + "or ./sorcen import)");
    } catch (IOException e) {
      throw new DataException(file + ": unreadable manifest: " + JsonErrors.describe(e), e);
    }
    List<String> problems = new ArrayList<>();
    if (!FORMAT.equals(m.format)) {
      problems.add("format is '" + m.format + "', expected '" + FORMAT + "'");
    }
    if (m.grid < 2 || m.codebookSize < 2) {
      problems.add("grid (" + m.grid + ") and codebook_size (" + m.codebookSize + ") must be >= 2");
    }
    if (m.numClasses != m.classNames.size() && !m.classNames.isEmpty()) {
      problems.add(
          "num_classes is " + m.numClasses + " but class_names has " + m.classNames.size());
    }
    if (m.splits.isEmpty()) {
      problems.add("no splits");
    }
    if (!problems.isEmpty()) {
      throw new DataException(file + ": " + String.join("; ", problems));
    }
    return m;
  }

  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
