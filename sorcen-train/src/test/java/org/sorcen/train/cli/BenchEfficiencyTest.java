package org.sorcen.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./sorcen bench --efficiency} at tiny shapes: Sorcen on tokens, MAGE on tokens and official
 * MAGE on images, timed in one process, with the bench table's first four columns and the ratio
 * beside the paper's 60.8%; once with the embedded tokenizer and slice images, once with a VQGAN
 * graph of random weights on random images (the ViT-B path).
 */
class BenchEfficiencyTest {
  /** Fits the embedded tokenizer (8×8 ids of 512 codes) at width 16. */
  static final String FITS_EMBEDDED =
      """
      {"name": "eff-tiny", "method": "sorcen",
       "model": {"grid": 8, "codebook_size": 512, "embed_dim": 16, "depth": 1, "num_heads": 2,
                 "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2, "projector_hidden_dim": 32,
                 "projector_dim": 16, "predictor_hidden_dim": 32, "classifier_hidden_dim": 16, "num_classes": 10},
       "train": {"batch_size": 8}}
      """;

  /** 4×4 ids of 64 codes from 8×8 RGB images. */
  static final String TINY_VQGAN =
      """
      {"embed_dim": 8, "n_embed": 64,
       "ddconfig": {"double_z": false, "z_channels": 8, "resolution": 8, "in_channels": 3, "out_ch": 3, "ch": 32,
                    "ch_mult": [2, 1], "num_res_blocks": 1, "attn_resolutions": [4], "dropout": 0.0}}
      """;

  static final String FITS_VQGAN =
      """
      {"name": "eff-vqgan", "method": "sorcen",
       "model": {"grid": 4, "codebook_size": 64, "embed_dim": 16, "depth": 1, "num_heads": 2,
                 "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2, "projector_hidden_dim": 32,
                 "projector_dim": 16, "predictor_hidden_dim": 32, "classifier_hidden_dim": 16, "num_classes": 10}}
      """;

  record Out(int code, String out, String err) {}

  static Out bench(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      CommandLine cmd = SorcenCli.commandLine();
      cmd.setErr(new PrintWriter(err, true));
      int code =
          cmd.execute(
              Stream.concat(
                      Stream.of("bench", "--efficiency", "--warmup", "1", "--steps", "1"),
                      Arrays.stream(args))
                  .toArray(String[]::new));
      return new Out(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(old);
    }
  }

  /** The three timed rows: config, batch, xla, ms/step first; then the method and input. */
  static void assertThreeRows(Out r, String config, int batch) {
    assertEquals(0, r.code(), r.err() + r.out());
    List<String> rows = r.out().lines().filter(l -> l.startsWith(config + " ")).toList();
    assertEquals(3, rows.size(), r.out());
    assertTrue(
        r.out().lines().anyMatch(l -> l.matches("config\\s+batch\\s+xla\\s+ms/step\\s.*")),
        r.out());
    for (String row : rows) {
      String[] f = row.trim().split("\\s+");
      assertEquals(String.valueOf(batch), f[1], row);
      assertEquals("off", f[2], row);
      assertTrue(Double.parseDouble(f[3]) > 0, row);
    }
    assertTrue(rows.get(0).contains("sorcen  tokens (precomputed)"), rows.get(0));
    assertTrue(rows.get(1).contains("mage    tokens (precomputed; ablation)"), rows.get(1));
    assertTrue(rows.get(2).contains("mage    images (crop + flip + frozen tokenizer"), rows.get(2));
    assertTrue(
        r.out()
            .matches(
                "(?s).*samples/s over official MAGE with online tokenization \\(paper: 60\\.8% more "
                    + "efficient\\).*"),
        r.out());
  }

  @Test
  void timesTheEmbeddedTokenizerOnTheSliceImages(@TempDir Path tmp) throws Exception {
    Path config = Files.writeString(tmp.resolve("eff-tiny.json"), FITS_EMBEDDED);
    // The tests run in sorcen-train/, without SORCEN_HOME: name the embedded files the default
    // picks.
    Out r =
        bench(
            "--config",
            config.toString(),
            "--tokenizer",
            "../savedmodels/tokenizer-fashion-mnist/1",
            "--images",
            "../data/fashion-mnist-slice/images");
    assertThreeRows(r, "eff-tiny", 8);
    assertTrue(
        r.out().contains("tokenizer-fashion-mnist/1 (its weights); images ")
            && r.out().contains("fashion-mnist-slice/images (6000 of 28x28x1)"),
        r.out());
  }

  @Test
  void timesAVqganOfRandomWeightsOnRandomImages(@TempDir Path tmp) throws Exception {
    Path config = Files.writeString(tmp.resolve("eff-vqgan.json"), FITS_VQGAN);
    Path vqgan = Files.writeString(tmp.resolve("vqgan.json"), TINY_VQGAN);
    Out r =
        bench(
            "--config",
            config.toString(),
            "--tokenizer-config",
            vqgan.toString(),
            "--batch-size",
            "4");
    assertThreeRows(r, "eff-vqgan", 4);
    assertTrue(
        r.out()
            .contains(
                "vqgan 8x8 with random initial weights (a step's time does not depend on weight "
                    + "values); images random (32 of 8x8x3)"),
        r.out());
  }

  @Test
  void itsFlagsAreRefusedOutsideTheMode() {
    Out r = bench("--xla", "both");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("error: --efficiency times one --xla mode"), r.err());
    Out noMode = new Out(0, "", "");
    PrintStream old = System.out;
    StringWriter err = new StringWriter();
    try {
      CommandLine cmd = SorcenCli.commandLine();
      cmd.setErr(new PrintWriter(err, true));
      noMode = new Out(cmd.execute("bench", "--images", "x"), "", err.toString());
    } finally {
      System.setOut(old);
    }
    assertEquals(2, noMode.code());
    assertTrue(
        noMode.err().startsWith("error: --tokenizer and --images need --efficiency"), noMode.err());
  }
}
