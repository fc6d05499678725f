package org.sorcen.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.sorcen.export.ModelCard;
import org.sorcen.export.SavedModelWriter;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.sorcen.graph.tokenizer.ImageTokenizers;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.graph.tokenizer.VqTokenizer;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * A tokenizer (ours or an imported VQGAN) loaded from its SavedModel directory: images to token ids
 * and back, in batches. The kind and config come from {@code assets.extra/tokenizer.json}; the
 * fingerprint there is checked against the variables on load, so a swapped or damaged model is
 * refused.
 */
public final class Tokenizer implements AutoCloseable {
  /**
   * Input pixels per encode/decode call (500 images of 32×32): large enough to keep both cores busy,
   * small enough for little memory. MAGE's VQGAN at 256×256 gets 8 images per call: its first
   * convolutions hold 128 channels at full resolution.
   */
  private static final int BATCH_PIXELS = 500 * 32 * 32;

  private final SavedModelBundle bundle;
  private final ImageTokenizer spec;
  private final String fingerprint;
  private final SessionFunction encode;
  private final SessionFunction decode;

  /** The transform of the last images that needed one, kept for the next chunk of the same shape. */
  private TokenizerInput input;

  private Tokenizer(SavedModelBundle bundle, ImageTokenizer spec, String fingerprint) {
    this.bundle = bundle;
    this.spec = spec;
    this.fingerprint = fingerprint;
    this.encode = bundle.function(TokenizerExport.ENCODE);
    this.decode = bundle.function(TokenizerExport.DECODE);
  }

  public static Tokenizer load(Path dir) {
    JsonNode root = metadata(dir);
    ImageTokenizer spec = spec(dir, root);
    String fingerprint = root.path("fingerprint_sha256").asText();
    String actual = TokenizerExport.fingerprint(dir);
    if (!actual.equals(fingerprint)) {
      throw new DataException(
          dir
              + ": variables have SHA-256 "
              + actual
              + " but "
              + TokenizerExport.METADATA
              + " records "
              + fingerprint);
    }
    return new Tokenizer(
        SavedModelBundle.load(dir.toString(), SavedModelWriter.TAG), spec, fingerprint);
  }

  /** The kind and config of the tokenizer SavedModel {@code dir}, without loading it. */
  public static ImageTokenizer spec(Path dir) {
    return spec(dir, metadata(dir));
  }

  private static ImageTokenizer spec(Path dir, JsonNode root) {
    JsonNode config = root.get("config");
    if (config == null) {
      throw new DataException(dir.resolve(TokenizerExport.METADATA) + " has no config");
    }
    return ImageTokenizers.parse(
        root.path("kind").asText(null),
        config.toString(),
        dir.resolve(TokenizerExport.METADATA).toString());
  }

  private static JsonNode metadata(Path dir) {
    return ModelCard.read(
        dir,
        TokenizerExport.METADATA,
        () ->
            new DataException(
                dir
                    + " is not a tokenizer SavedModel: "
                    + TokenizerExport.METADATA
                    + " is missing"));
  }

  /**
   * Ids of every image, row-major: image i's G·G ids start at i·G·G. Images of another size are
   * first resized as the exported image encoder resizes them, and grey images for a colour
   * tokenizer repeated into its channels ({@link TokenizerInput}).
   */
  public long[] encode(ImageSet images) {
    boolean transform = TokenizerInput.needed(images, spec);
    if (transform && (input == null || !input.fits(images))) {
      if (input != null) {
        input.close();
      }
      input = TokenizerInput.of(images, spec);
    }
    int size = images.imageSize();
    int seqLen = spec.seqLen();
    int batch = batch(spec.inputHeight() * spec.inputWidth());
    long[] ids = new long[Math.multiplyExact(images.count(), seqLen)];
    for (int from = 0; from < images.count(); from += batch) {
      int n = Math.min(batch, images.count() - from);
      byte[] chunk = new byte[n * size];
      System.arraycopy(images.pixels(), from * size, chunk, 0, chunk.length);
      byte[] pixels = transform ? input.apply(chunk, n) : chunk;
      try (Tensor in =
              TUint8.tensorOf(
                  Shape.of(n, spec.inputHeight(), spec.inputWidth(), spec.channels()),
                  DataBuffers.of(pixels, true, false));
          Result r = encode.call(Map.of("images", in))) {
        ((TInt64) r.get("ids").get())
            .copyTo(
                DataBuffers.of(ids, false, false).slice((long) from * seqLen, (long) n * seqLen));
      }
    }
    return ids;
  }

  /** {@code count} images of S×S×C uint8 from {@code count}·G·G ids in [0, C). */
  public byte[] decode(long[] ids, int count) {
    int seqLen = spec.seqLen();
    if (ids.length != (long) count * seqLen) {
      throw new IllegalArgumentException(
          ids.length + " ids are not " + count + " rows of " + seqLen);
    }
    for (int k = 0; k < ids.length; k++) {
      if (ids[k] < 0 || ids[k] >= spec.codebookSize()) {
        throw new IllegalArgumentException(
            "id "
                + ids[k]
                + " at row "
                + k / seqLen
                + " is outside [0, "
                + spec.codebookSize()
                + ")");
      }
    }
    int size = spec.outputSize() * spec.outputSize() * spec.channels();
    byte[] out = new byte[Math.multiplyExact(count, size)];
    int batch = batch(spec.outputSize() * spec.outputSize());
    for (int from = 0; from < count; from += batch) {
      int n = Math.min(batch, count - from);
      long[] chunk = new long[n * seqLen];
      System.arraycopy(ids, from * seqLen, chunk, 0, chunk.length);
      try (Tensor in = TInt64.tensorOf(Shape.of(n, seqLen), DataBuffers.of(chunk, true, false));
          Result r = decode.call(Map.of("ids", in))) {
        ((TUint8) r.get("images").get())
            .copyTo(DataBuffers.of(out, false, false).slice((long) from * size, (long) n * size));
      }
    }
    return out;
  }

  private static int batch(int pixelsPerImage) {
    return Math.max(1, BATCH_PIXELS / pixelsPerImage);
  }

  public String fingerprint() {
    return fingerprint;
  }

  public ImageTokenizer spec() {
    return spec;
  }

  /** The config of the project's own tokenizer; refused for other kinds (an imported VQGAN). */
  public TokenizerConfig config() {
    if (spec instanceof VqTokenizer vq) {
      return vq.config();
    }
    throw new DataException(
        "this needs a tokenizer trained by tokenizer-train; " + spec.kind() + " is not one");
  }

  @Override
  public void close() {
    if (input != null) {
      input.close();
    }
    bundle.close();
  }
}
