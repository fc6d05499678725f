package org.sorcen.train.tokenizer;

import org.sorcen.export.TokenizerExport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * A trained tokenizer loaded from its SavedModel directory: images to token ids and back, in
 * batches. The config comes from {@code assets.extra/tokenizer.json}; the fingerprint there is
 * checked against the variables on load, so a swapped or damaged model is refused.
 */
public final class Tokenizer implements AutoCloseable {
  /** Images per encode/decode call: large enough to keep both cores busy, small enough for little memory. */
  public static final int BATCH = 500;

  private final SavedModelBundle bundle;
  private final TokenizerConfig config;
  private final String fingerprint;
  private final SessionFunction encode;
  private final SessionFunction decode;

  private Tokenizer(SavedModelBundle bundle, TokenizerConfig config, String fingerprint) {
    this.bundle = bundle;
    this.config = config;
    this.fingerprint = fingerprint;
    this.encode = bundle.function(TokenizerExport.ENCODE);
    this.decode = bundle.function(TokenizerExport.DECODE);
  }

  public static Tokenizer load(Path dir) {
    Path meta = dir.resolve(TokenizerExport.METADATA);
    if (!Files.isRegularFile(meta)) {
      throw new DataException(dir + " is not a tokenizer SavedModel: " + TokenizerExport.METADATA + " is missing");
    }
    TokenizerConfig config;
    String fingerprint;
    try {
      JsonNode root = new ObjectMapper().readTree(meta.toFile());
      fingerprint = root.path("fingerprint_sha256").asText();
      config = TokenizerConfig.parse(root.get("config").toString(), meta.toString(), Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + meta + ": " + e.getMessage(), e);
    }
    String actual = TokenizerExport.fingerprint(dir);
    if (!actual.equals(fingerprint)) {
      throw new DataException(dir + ": variables have SHA-256 " + actual + " but " + TokenizerExport.METADATA
          + " records " + fingerprint);
    }
    return new Tokenizer(SavedModelBundle.load(dir.toString(), org.sorcen.export.SavedModelWriter.TAG), config, fingerprint);
  }

  /** Ids of every image, row-major: image i's G·G ids start at i·G·G. */
  public long[] encode(ImageSet images) {
    TokenizerTrainer.checkShape(config, images);
    int size = images.imageSize();
    int seqLen = config.seqLen();
    long[] ids = new long[Math.multiplyExact(images.count(), seqLen)];
    for (int from = 0; from < images.count(); from += BATCH) {
      int n = Math.min(BATCH, images.count() - from);
      byte[] chunk = new byte[n * size];
      System.arraycopy(images.pixels(), from * size, chunk, 0, chunk.length);
      try (Tensor in = TUint8.tensorOf(Shape.of(n, config.inputHeight, config.inputWidth, config.channels),
          DataBuffers.of(chunk, true, false));
          Result r = encode.call(Map.of("images", in))) {
        ((TInt64) r.get("ids").get()).copyTo(DataBuffers.of(ids, false, false).slice((long) from * seqLen,
            (long) n * seqLen));
      }
    }
    return ids;
  }

  /** {@code count} images of S×S×C uint8 from {@code count}·G·G ids in [0, C). */
  public byte[] decode(long[] ids, int count) {
    int seqLen = config.seqLen();
    if (ids.length != (long) count * seqLen) {
      throw new IllegalArgumentException(ids.length + " ids are not " + count + " rows of " + seqLen);
    }
    for (int k = 0; k < ids.length; k++) {
      if (ids[k] < 0 || ids[k] >= config.codebookSize) {
        throw new IllegalArgumentException("id " + ids[k] + " at row " + k / seqLen + " is outside [0, "
            + config.codebookSize + ")");
      }
    }
    int size = config.imageSize * config.imageSize * config.channels;
    byte[] out = new byte[Math.multiplyExact(count, size)];
    for (int from = 0; from < count; from += BATCH) {
      int n = Math.min(BATCH, count - from);
      long[] chunk = new long[n * seqLen];
      System.arraycopy(ids, from * seqLen, chunk, 0, chunk.length);
      try (Tensor in = TInt64.tensorOf(Shape.of(n, seqLen), DataBuffers.of(chunk, true, false));
          Result r = decode.call(Map.of("ids", in))) {
        ((TUint8) r.get("images").get()).copyTo(DataBuffers.of(out, false, false).slice((long) from * size,
            (long) n * size));
      }
    }
    return out;
  }

  public String fingerprint() {
    return fingerprint;
  }

  public TokenizerConfig config() {
    return config;
  }

  @Override
  public void close() {
    bundle.close();
  }
}
