package org.sorcen.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.sorcen.export.io.IoFailure;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * An exported {@code sorcen-image-encoder} for Java services: images in, embeddings out, in batches of
 * at most {@link #BATCH}. Three inputs, one transform:
 * <ul>
 *   <li>encoded bytes and files (JPEG/PNG) go through the model's {@code image_bytes} signature, which
 *       decodes, resizes and centre-crops in-graph ({@link EvalTransform});
 *   <li>a {@link BufferedImage}'s pixels are read as {@code decode_png} would give them from its PNG
 *       (colour: grey replicated to RGB, alpha dropped; grey model: {@code TYPE_BYTE_GRAY} only). An image
 *       of exactly the input size goes to {@code serving_default} when the model takes such images
 *       unchanged (our own tokenizers; an imported VQGAN's evaluation transform resizes every image);
 *       any other goes, grouped by size, to {@code image_pixels}, which applies image_bytes' transform
 *       after decoding;
 *   <li>a BufferedImage whose pixels are not read here (a colour image for a grey model: libpng's
 *       RGB-to-grey rounding is not reproduced; premultiplied alpha; more than 8 bits per sample), and
 *       every image for a model exported before {@code image_pixels} existed, is written as PNG in
 *       memory and goes the bytes way.
 * </ul>
 * Safe for concurrent callers; every tensor is closed before a call returns. Close it when done.
 */
public final class SorcenImageEncoder implements AutoCloseable {
  /** Images per TensorFlow call: bounds the memory of decoded images and activations. */
  public static final int BATCH = 64;

  /** Pixel bytes per call of large images, which bounds the memory of a call of few large images. */
  private static final long MAX_PIXEL_BYTES = 64L << 20;

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};
  private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

  private final SavedModelBundle bundle;
  private final SessionFunction pixels;
  private final SessionFunction bytes;

  /** Absent (null) in models exported before the signature existed. */
  private final SessionFunction anySize;

  private final int height;
  private final int width;
  private final int channels;
  private final int embedDim;
  private final boolean resizesInputSized;

  private SorcenImageEncoder(
      SavedModelBundle bundle, int[] input, int embedDim, boolean resizesInputSized) {
    this.bundle = bundle;
    this.pixels = bundle.function(Signature.DEFAULT_KEY);
    this.bytes = bundle.function(ModelExport.IMAGE_BYTES);
    this.anySize =
        bundle.metaGraphDef().getSignatureDefMap().containsKey(ModelExport.IMAGE_PIXELS)
            ? bundle.function(ModelExport.IMAGE_PIXELS)
            : null;
    this.height = input[0];
    this.width = input[1];
    this.channels = input[2];
    this.embedDim = embedDim;
    this.resizesInputSized = resizesInputSized;
  }

  /** Loads {@code dir} (a {@code sorcen-image-encoder/<version>} directory). */
  public static SorcenImageEncoder load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          dir + " is not a directory: pass a sorcen-image-encoder/<version> directory");
    }
    JsonNode c = ModelExport.card(dir, "Sorcen model");
    if (!ModelExport.IMAGE_ENCODER.equals(c.path("model").asText())
        || c.path("input_shape").size() != 3) {
      throw new IllegalArgumentException(
          dir
              + " is not an image encoder (its card says: "
              + c.path("contents").asText()
              + "): pass a "
              + ModelExport.IMAGE_ENCODER
              + "/<version> directory");
    }
    int[] input = new int[3];
    for (int i = 0; i < 3; i++) {
      input[i] = c.path("input_shape").get(i).asInt();
    }
    return new SorcenImageEncoder(
        SavedModelBundle.load(dir.toString(), ModelExport.TAG),
        input,
        c.path("embed_dim").asInt(),
        c.path(ModelExport.RESIZES_INPUT_SIZED).asBoolean(false));
  }

  public int embedDim() {
    return embedDim;
  }

  /** The model's input: height, width, channels. */
  public int[] inputShape() {
    return new int[] {height, width, channels};
  }

  public float[][] embed(BufferedImage... images) {
    return embed(Arrays.asList(images));
  }

  /** Embeddings [rows][D] of images in order (see the class comment for how each is fed). */
  public float[][] embed(List<BufferedImage> images) {
    float[][] out = new float[images.size()][];
    Map<List<Integer>, List<Integer>> bySize = new LinkedHashMap<>();
    List<Integer> encoded = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      BufferedImage img = images.get(i);
      boolean direct = !resizesInputSized && img.getHeight() == height && img.getWidth() == width;
      if (!readable(img) || (!direct && anySize == null)) {
        encoded.add(i);
      } else {
        bySize
            .computeIfAbsent(
                direct ? List.of() : List.of(img.getHeight(), img.getWidth()),
                k -> new ArrayList<>())
            .add(i);
      }
    }
    for (var group : bySize.entrySet()) {
      boolean direct = group.getKey().isEmpty();
      int h = direct ? height : group.getKey().get(0);
      int w = direct ? width : group.getKey().get(1);
      int perCall = (int) Math.max(1, Math.min(BATCH, MAX_PIXEL_BYTES / ((long) h * w * channels)));
      List<Integer> all = group.getValue();
      for (int from = 0; from < all.size(); from += perCall) {
        List<Integer> part = all.subList(from, Math.min(all.size(), from + perCall));
        byte[] px = new byte[part.size() * h * w * channels];
        for (int k = 0; k < part.size(); k++) {
          readPixels(images.get(part.get(k)), px, k * h * w * channels);
        }
        float[][] rows;
        try (TUint8 t =
            TUint8.tensorOf(
                Shape.of(part.size(), h, w, channels), DataBuffers.of(px, true, false))) {
          rows = run(direct ? pixels : anySize, t, part.size());
        }
        for (int k = 0; k < part.size(); k++) {
          out[part.get(k)] = rows[k];
        }
      }
    }
    byte[][] png = new byte[encoded.size()][];
    for (int k = 0; k < png.length; k++) {
      png[k] = toPng(images.get(encoded.get(k)), encoded.get(k));
    }
    float[][] rows = embed(png);
    for (int k = 0; k < png.length; k++) {
      out[encoded.get(k)] = rows[k];
    }
    return out;
  }

  /** Embeddings of encoded JPEG/PNG images; one that TensorFlow cannot decode is named by its index. */
  public float[][] embed(byte[]... encoded) {
    String[] names = new String[encoded.length];
    for (int i = 0; i < names.length; i++) {
      names[i] = "image " + i;
    }
    return embedEncoded(encoded, names, false);
  }

  /** Embeddings of JPEG/PNG files; an unreadable or undecodable file is named. */
  public float[][] embed(Path... files) {
    byte[][] encoded = new byte[files.length][];
    String[] names = new String[files.length];
    for (int i = 0; i < files.length; i++) {
      try {
        encoded[i] = Files.readAllBytes(files[i]);
      } catch (IOException e) {
        throw IoFailure.of("read", files[i], e);
      }
      names[i] = files[i].toString();
    }
    return embedEncoded(encoded, names, true);
  }

  /**
   * A batch TensorFlow cannot decode is retried one image at a time, to name the culprit: for a
   * caller's bytes an IllegalArgumentException, for a file an {@link IoFailure} (the file is unreadable).
   */
  private float[][] embedEncoded(byte[][] encoded, String[] names, boolean files) {
    for (int i = 0; i < encoded.length; i++) {
      if (!isJpegOrPng(encoded[i])) {
        throw badImage(
            names[i], "not a JPEG or PNG image (its first bytes say neither)", null, files);
      }
      String cut = TruncatedImages.truncation(encoded[i]);
      if (cut != null) {
        throw badImage(names[i], cut, null, files);
      }
    }
    float[][] out = new float[encoded.length][];
    for (int from = 0; from < encoded.length; from += BATCH) {
      byte[][] part = Arrays.copyOfRange(encoded, from, Math.min(encoded.length, from + BATCH));
      try {
        System.arraycopy(runBytes(part), 0, out, from, part.length);
      } catch (TFInvalidArgumentException e) {
        for (int k = 0; k < part.length; k++) {
          try {
            out[from + k] = runBytes(new byte[][] {part[k]})[0];
          } catch (TFInvalidArgumentException one) {
            throw badImage(
                names[from + k], "cannot be decoded: " + firstLine(one.getMessage()), one, files);
          }
        }
      }
    }
    return out;
  }

  private static String firstLine(String tfMessage) {
    String line = tfMessage == null ? "" : tfMessage.strip().lines().findFirst().orElse("");
    int node = line.indexOf("[[");
    return (node >= 0 ? line.substring(0, node) : line).strip();
  }

  private float[][] runBytes(byte[][] part) {
    try (TString t = TString.tensorOfBytes(NdArrays.vectorOfObjects(part))) {
      return run(bytes, t, part.length);
    }
  }

  private float[][] run(SessionFunction f, Tensor input, int rows) {
    try (Result r = f.call(Map.of("images", input))) {
      float[] flat = new float[rows * embedDim];
      ((TFloat32) r.get("embedding").orElseThrow()).copyTo(DataBuffers.of(flat, false, false));
      float[][] out = new float[rows][];
      for (int k = 0; k < rows; k++) {
        out[k] = Arrays.copyOfRange(flat, k * embedDim, (k + 1) * embedDim);
      }
      return out;
    }
  }

  /**
   * Whether {@link #readPixels} gives what decode_png gives for this image's PNG: 8-bit grey (replicated
   * for a colour model) or, for a colour model, 8-bit sRGB colour, palette or not, alpha not premultiplied.
   */
  private boolean readable(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      return channels == 1 || channels == 3;
    }
    ColorModel cm = img.getColorModel();
    boolean eightBit = Arrays.stream(cm.getComponentSize()).allMatch(bits -> bits == 8);
    return channels == 3
        && cm.getNumColorComponents() == 3
        && cm.getColorSpace().isCS_sRGB()
        && eightBit
        && !cm.isAlphaPremultiplied();
  }

  private void readPixels(BufferedImage img, byte[] px, int offset) {
    int h = img.getHeight();
    int w = img.getWidth();
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      // The raster, not getRGB: getRGB of a grey image applies a gamma curve, PNG stores the
      // samples.
      byte[] grey = (byte[]) img.getRaster().getDataElements(0, 0, w, h, null);
      for (int p = 0; p < grey.length; p++) {
        for (int k = 0; k < channels; k++) {
          px[offset + channels * p + k] = grey[p];
        }
      }
      return;
    }
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    for (int p = 0; p < argb.length; p++) {
      px[offset + 3 * p] = (byte) (argb[p] >> 16);
      px[offset + 3 * p + 1] = (byte) (argb[p] >> 8);
      px[offset + 3 * p + 2] = (byte) argb[p];
    }
  }

  private static byte[] toPng(BufferedImage img, int index) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(img, "png", out)) {
        throw new IllegalArgumentException(
            "image " + index + " (type " + img.getType() + ") cannot be written as PNG");
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot encode image " + index + " as PNG: " + e.getMessage(), e);
    }
  }

  private static boolean isJpegOrPng(byte[] b) {
    return startsWith(b, PNG_MAGIC) || startsWith(b, JPEG_MAGIC);
  }

  private static RuntimeException badImage(
      String name, String reason, Exception cause, boolean file) {
    return file
        ? new IoFailure("cannot read image " + name + ": " + reason, cause)
        : new IllegalArgumentException(name + ": " + reason, cause);
  }

  private static boolean startsWith(byte[] b, byte[] magic) {
    return b.length >= magic.length && Arrays.equals(b, 0, magic.length, magic, 0, magic.length);
  }

  @Override
  public void close() {
    bundle.close();
  }
}
