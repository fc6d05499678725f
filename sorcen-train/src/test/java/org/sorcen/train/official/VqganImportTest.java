package org.sorcen.train.official;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.SorcenEncoder;
import org.sorcen.graph.vqgan.VqganTokenizer;
import org.sorcen.graph.weights.TorchCheckpoint;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.pretrain.Run;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * {@code import-official --tokenizer} on the fixtures of tools/official-fixtures/make_vqgan_fixtures.py:
 * a VQGAN checkpoint in the official format at a tiny ddconfig, and the official encode and decode of
 * seeded images, which the imported tokenizer SavedModel must reproduce.
 */
class VqganImportTest {
  static final Path VQGAN = ImportOfficialTest.DIR.resolve("official-vqgan-tiny.ckpt");
  static final Path IO = ImportOfficialTest.DIR.resolve("official-vqgan-tiny-io.pt");

  /** The fixture's config (its 'fixture' metadata); grid 8 / 2 = 4 and 64 codes, as the tiny model. */
  static final String TINY_VQGAN =
      """
      {"embed_dim": 8, "n_embed": 64,
       "ddconfig": {"double_z": false, "z_channels": 8, "resolution": 8, "in_channels": 3, "out_ch": 3, "ch": 32,
                    "ch_mult": [2, 1], "num_res_blocks": 1, "attn_resolutions": [4], "dropout": 0.0}}
      """;

  /** ≥ 99.9% of ids equal to the official ones (the bar). */
  static final double ID_AGREEMENT = 0.999;

  /** Decoded images within one grey level of the official post-processing. */
  static final int GREY_LEVELS = 1;

  /**
   * At most this share of decoded values may be off at all: float32 rounding tips a value over a
   * level only rarely, while rounding instead of the official truncation would move about half of them.
   */
  static final double OFF_BY_ONE_SHARE = 0.01;

  static Path vqganConfig(Path tmp, String json) throws Exception {
    Path p = tmp.resolve("vqgan-" + Integer.toHexString(json.hashCode()) + ".json");
    Files.writeString(p, json);
    return p;
  }

  static ImportOfficialTest.Cli importWith(Path tmp, Path vqgan, String vqganJson, Path out)
      throws Exception {
    return ImportOfficialTest.cli(
        "import-official",
        "--checkpoint",
        ImportOfficialTest.CHECKPOINT.toString(),
        "--config",
        ImportOfficialTest.tinyConfig(tmp).toString(),
        "--tokenizer",
        vqgan.toString(),
        "--tokenizer-config",
        vqganConfig(tmp, vqganJson).toString(),
        "--out",
        out.toString());
  }

  @Test
  void theImportedTokenizerReproducesTheOfficialIdsAndImagesAndTheRunExportsWithIt(
      @TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    ImportOfficialTest.Cli r = importWith(tmp, VQGAN, TINY_VQGAN, run);
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(
        r.out().contains("loss.discriminator.main.0.weight")
            && r.out().contains("loss.perceptual_loss.net.slice1.0.bias"),
        r.out());
    assertEquals(run.resolve("tokenizer").toAbsolutePath(), Run.open(run).tokenizer());

    TorchCheckpoint io = TorchCheckpoint.read(IO);
    long[] shape = io.shapes().get("images");
    int n = (int) shape[0];
    byte[] pixels = bytes(io.integers("images"));
    long[] officialIds = io.integers("ids");
    byte[] officialImages = bytes(io.integers("decoded"));
    try (Tokenizer t = Tokenizer.load(run.resolve("tokenizer"))) {
      assertEquals(VqganTokenizer.KIND, t.spec().kind());
      long[] ids =
          t.encode(
              new ImageSet(
                  n,
                  (int) shape[1],
                  (int) shape[2],
                  (int) shape[3],
                  pixels,
                  new long[n],
                  List.of()));
      int equal = 0;
      for (int i = 0; i < ids.length; i++) {
        equal += ids[i] == officialIds[i] ? 1 : 0;
      }
      double agreement = equal / (double) ids.length;
      System.out.printf(
          "VQGAN tiny: %d of %d ids equal to the official ones (%.2f%%)%n",
          equal, ids.length, 100 * agreement);
      assertTrue(
          agreement >= ID_AGREEMENT,
          "ids agree at "
              + agreement
              + ": "
              + Arrays.toString(ids)
              + " vs "
              + Arrays.toString(officialIds));

      byte[] images = t.decode(officialIds, n);
      int maxDiff = 0;
      int off = 0;
      for (int i = 0; i < images.length; i++) {
        int d = Math.abs((images[i] & 0xFF) - (officialImages[i] & 0xFF));
        maxDiff = Math.max(maxDiff, d);
        off += d > 0 ? 1 : 0;
      }
      System.out.printf(
          "VQGAN tiny: decoded images within %d grey level(s) of the official ones, %d of %d values "
              + "differ%n",
          maxDiff, off, images.length);
      assertTrue(maxDiff <= GREY_LEVELS, "max |Δ| " + maxDiff);
      assertTrue(
          off <= OFF_BY_ONE_SHARE * images.length, off + " of " + images.length + " values differ");
    }

    ImportOfficialTest.Cli e =
        ImportOfficialTest.cli(
            "export", "--run", run.toString(), "--out", tmp.resolve("models").toString());
    assertEquals(0, e.code(), e.err() + e.out());
    Path tokenizerCard = tmp.resolve("models/sorcen-tokenizer/1/assets.extra/tokenizer.json");
    assertEquals(
        VqganTokenizer.KIND,
        new ObjectMapper().readTree(tokenizerCard.toFile()).path("kind").asText());
    assertTrue(Files.isDirectory(tmp.resolve("models/sorcen-image-generator/1")), e.out());

    // Images in, embeddings out: the exported image encoder on the official images equals the
    // exported
    // token encoder on the official ids (the ids agreed above), so the whole chain follows the
    // official code.
    long[][] idRows = new long[n][];
    for (int i = 0; i < n; i++) {
      idRows[i] =
          Arrays.copyOfRange(
              officialIds, i * officialIds.length / n, (i + 1) * officialIds.length / n);
    }
    float[][] fromIds;
    try (SorcenEncoder enc = SorcenEncoder.load(tmp.resolve("models/sorcen-encoder/1"))) {
      fromIds = enc.embed(idRows);
    }
    try (SavedModelBundle b =
            SavedModelBundle.load(
                tmp.resolve("models/sorcen-image-encoder/1").toString(), "serve");
        TUint8 in = TUint8.tensorOf(Shape.of(shape), DataBuffers.of(pixels, true, false));
        Result out = b.function("serving_default").call(Map.of("images", in))) {
      TFloat32 emb = (TFloat32) out.get("embedding").get();
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < fromIds[i].length; j++) {
          assertEquals(fromIds[i][j], emb.getFloat(i, j), 1e-5, "image " + i + ", dimension " + j);
        }
      }
    }
  }

  @Test
  void aFileThatIsNotACheckpointIsRefusedAndNothingIsWritten(@TempDir Path tmp) throws Exception {
    Path bogus = tmp.resolve("bogus.ckpt");
    Files.writeString(bogus, "not a checkpoint at all");
    Path run = tmp.resolve("run");
    ImportOfficialTest.Cli r = importWith(tmp, bogus, TINY_VQGAN, run);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(bogus.toString()), r.err());
    assertFalse(Files.exists(run));
  }

  @Test
  void aMissingTensorIsRefusedByName(@TempDir Path tmp) throws Exception {
    // Two blocks per level need encoder.down.N.block.1.*, which the one-block checkpoint lacks.
    Path run = tmp.resolve("run");
    ImportOfficialTest.Cli r =
        importWith(
            tmp, VQGAN, TINY_VQGAN.replace("\"num_res_blocks\": 1", "\"num_res_blocks\": 2"), run);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("missing tensor 'encoder.down.0.block.1.norm1.weight'"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(Files.exists(run));
  }

  @Test
  void aMisshapenTensorIsRefusedNamingItAndBothShapes(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    ImportOfficialTest.Cli r =
        importWith(
            tmp,
            VQGAN,
            TINY_VQGAN
                .replace("\"embed_dim\": 8", "\"embed_dim\": 16")
                .replace("\"z_channels\": 8", "\"z_channels\": 16"),
            run);
    assertEquals(2, r.code(), r.err());
    assertTrue(
        r.err()
            .contains(
                "tensor 'quantize.embedding.weight' has shape [64, 8] but the VQGAN config needs "
                    + "[64, 16]"),
        r.err());
    assertTrue(
        r.err().contains("tensor 'encoder.conv_out.weight' has shape [8, 32, 1, 1]"), r.err());
    assertFalse(Files.exists(run));
  }

  @Test
  void aTokenizerWhoseGridOrCodebookDiffersFromTheModelsIsRefusedNamingBoth(@TempDir Path tmp)
      throws Exception {
    Path run = tmp.resolve("run");
    ImportOfficialTest.Cli r =
        importWith(
            tmp,
            VQGAN,
            TINY_VQGAN
                .replace("\"resolution\": 8", "\"resolution\": 16")
                .replace("\"n_embed\": 64", "\"n_embed\": 128"),
            run);
    assertEquals(2, r.code(), r.err());
    assertTrue(
        r.err().contains("model.grid is 4") && r.err().contains("the VQGAN's grid is 8"), r.err());
    assertTrue(
        r.err().contains("model.codebook_size is 64") && r.err().contains("n_embed is 128"),
        r.err());
    assertFalse(Files.exists(run));
  }

  @Test
  void aTokenizerConfigWithoutATokenizerIsAUsageError(@TempDir Path tmp) throws Exception {
    ImportOfficialTest.Cli r =
        ImportOfficialTest.cli(
            "import-official",
            "--checkpoint",
            ImportOfficialTest.CHECKPOINT.toString(),
            "--config",
            ImportOfficialTest.tinyConfig(tmp).toString(),
            "--tokenizer-config",
            vqganConfig(tmp, TINY_VQGAN).toString(),
            "--out",
            tmp.resolve("run").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--tokenizer-config needs --tokenizer"), r.err());
  }

  private static byte[] bytes(long[] values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
