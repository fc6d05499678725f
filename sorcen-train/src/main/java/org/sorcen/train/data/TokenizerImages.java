package org.sorcen.train.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a directory holding the four gzipped (or plain) IDX files of MNIST / Fashion-MNIST:
 * {train,t10k}-images-idx3-ubyte[.gz] and {train,t10k}-labels-idx1-ubyte[.gz]. A stop-gap until
 * the importers branch lands ({@code org.sorcen.train.data.importers}); then this class goes.
 */
public final class TokenizerImages {
  public static final String TRAIN = "train";
  public static final String TEST = "t10k";

  static final List<String> CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  private TokenizerImages() {}

  /** {@code split} is "train" or "t10k". */
  public static ImageSet read(Path dir, String split) {
    Path images = find(dir, split + "-images-idx3-ubyte");
    Path labels = find(dir, split + "-labels-idx1-ubyte");
    try (DataInputStream in = open(images);
        DataInputStream lin = open(labels)) {
      expectMagic(in, 0x803, images);
      int n = in.readInt();
      int h = in.readInt();
      int w = in.readInt();
      byte[] pixels = in.readNBytes(Math.multiplyExact(n, h * w));
      if (pixels.length != n * h * w) {
        throw new DataException(
            images + ": truncated, " + pixels.length + " of " + (n * h * w) + " pixel bytes");
      }
      expectMagic(lin, 0x801, labels);
      int nl = lin.readInt();
      if (nl != n) {
        throw new DataException(labels + ": " + nl + " labels for " + n + " images in " + images);
      }
      byte[] raw = lin.readNBytes(n);
      if (raw.length != n) {
        throw new DataException(labels + ": truncated, " + raw.length + " of " + n + " labels");
      }
      long[] l = new long[n];
      for (int i = 0; i < n; i++) {
        l[i] = raw[i] & 0xFF;
      }
      return new ImageSet(n, h, w, 1, pixels, l, CLASSES);
    } catch (IOException e) {
      throw new DataException("cannot read " + images + " / " + labels + ": " + e.getMessage(), e);
    }
  }

  private static Path find(Path dir, String base) {
    for (Path p : List.of(dir.resolve(base + ".gz"), dir.resolve(base))) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DataException(
        dir + ": no " + base + "[.gz] (expected the IDX files of MNIST or Fashion-MNIST)");
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream raw = Files.newInputStream(p);
    return new DataInputStream(
        p.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw);
  }

  private static void expectMagic(DataInputStream in, int magic, Path p) throws IOException {
    int m = in.readInt();
    if (m != magic) {
      throw new DataException(
          p + ": magic 0x" + Integer.toHexString(m) + ", expected 0x" + Integer.toHexString(magic));
    }
  }
}
