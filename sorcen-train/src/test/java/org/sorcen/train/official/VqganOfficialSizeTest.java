package org.sorcen.train.official;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.graph.vqgan.VqganConfig;
import org.sorcen.graph.weights.TorchCheckpoint;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.Tokenizer;

/**
 * The VQGAN at the official 256×256 config of config/vqgan.yaml, with random weights, against the
 * official code: runs only when {@code SORCEN_VQGAN_OFFICIAL} names the directory that
 * {@code make_vqgan_fixtures.py --official-size --out DIR} wrote (about 215 MB, never committed).
 * Prints the agreement and the time per image; the figures are in results/performance.md.
 */
class VqganOfficialSizeTest {
  static final String ENV = "SORCEN_VQGAN_OFFICIAL";

  @Test
  void theOfficialSizeVqganMatchesTheOfficialCode(@TempDir Path tmp) {
    String dir = System.getenv(ENV);
    Assumptions.assumeTrue(
        dir != null && !dir.isEmpty(),
        ENV
            + " is not set: it names the directory written by "
            + "tools/official-fixtures/make_vqgan_fixtures.py --official-size --out DIR");
    Path ckpt = Path.of(dir, "official-vqgan-256.ckpt");
    Path io = Path.of(dir, "official-vqgan-256-io.pt");
    assertTrue(
        Files.isRegularFile(ckpt) && Files.isRegularFile(io),
        ENV + "=" + dir + " lacks the fixture files");

    long t0 = System.nanoTime();
    VqganImport.write(
        VqganImport.plan(ckpt, VqganConfig.defaults().validated("official")), tmp.resolve("tok"));
    long t1 = System.nanoTime();
    TorchCheckpoint fixture = TorchCheckpoint.read(io);
    long[] shape = fixture.shapes().get("images");
    int n = (int) shape[0];
    long[] officialIds = fixture.integers("ids");
    long[] official = fixture.integers("decoded");
    long[] px = fixture.integers("images");
    byte[] pixels = new byte[px.length];
    for (int i = 0; i < px.length; i++) {
      pixels[i] = (byte) px[i];
    }
    try (Tokenizer t = Tokenizer.load(tmp.resolve("tok"))) {
      ImageSet images =
          new ImageSet(
              n, (int) shape[1], (int) shape[2], (int) shape[3], pixels, new long[n], List.of());
      t.encode(
          new ImageSet(
              1,
              images.height(),
              images.width(),
              images.channels(),
              Arrays.copyOf(pixels, images.imageSize()),
              new long[1],
              List.of())); // warm-up
      t.decode(Arrays.copyOf(officialIds, t.spec().seqLen()), 1);
      long e0 = System.nanoTime();
      long[] ids = t.encode(images);
      long e1 = System.nanoTime();
      byte[] decoded = t.decode(officialIds, n);
      long e2 = System.nanoTime();
      int equal = 0;
      for (int i = 0; i < ids.length; i++) {
        equal += ids[i] == officialIds[i] ? 1 : 0;
      }
      int maxDiff = 0;
      long off = 0;
      for (int i = 0; i < decoded.length; i++) {
        int d = Math.abs((decoded[i] & 0xFF) - (int) official[i]);
        maxDiff = Math.max(maxDiff, d);
        off += d > 0 ? 1 : 0;
      }
      double agreement = equal / (double) ids.length;
      System.out.printf(
          "VQGAN 256x256 official config, %d images: ids equal %d/%d (%.3f%%); decoded max |Δ| %d grey "
              + "level(s), %d of %d values differ; import %.1f s; Java encode %.0f ms/image, decode %.0f ms/image%n",
          n,
          equal,
          ids.length,
          100 * agreement,
          maxDiff,
          off,
          decoded.length,
          (t1 - t0) / 1e9,
          (e1 - e0) / 1e6 / n,
          (e2 - e1) / 1e6 / n);
      assertTrue(agreement >= VqganImportTest.ID_AGREEMENT, "ids agree at " + agreement);
      assertTrue(maxDiff <= VqganImportTest.GREY_LEVELS, "max |Δ| " + maxDiff);
      assertTrue(off <= VqganImportTest.OFF_BY_ONE_SHARE * decoded.length, off + " values differ");
    }
  }
}
