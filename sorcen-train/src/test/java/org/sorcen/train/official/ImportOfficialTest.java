package org.sorcen.train.official;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.SorcenEncoder;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.graph.weights.TorchCheckpoint;
import org.sorcen.graph.weights.WeightsException;
import org.sorcen.train.cli.SorcenCli;
import org.sorcen.train.pretrain.Run;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;
import picocli.CommandLine;

/**
 * {@code ./sorcen import-official} on the fixtures of tools/official-fixtures/make_checkpoint_fixtures.py:
 * the weights of official-forward-tiny.safetensors saved as the official misc.save_model does, as a
 * bare bfloat16 state_dict, and as they are.
 */
class ImportOfficialTest {
  static final Path DIR = Path.of(System.getProperty("sorcen.fixtures", "../data/reference"));
  static final Path SOURCE = DIR.resolve("official-forward-tiny.safetensors");
  static final Path CHECKPOINT = DIR.resolve("official-checkpoint-tiny.pth");
  static final Path STATE_DICT_BF16 = DIR.resolve("official-state-dict-tiny-bf16.pth");
  static final Path READER_CASES = DIR.resolve("torch-reader-cases.pth");

  /** The fixture's model (its __metadata__.config); heads cannot be read from shapes. */
  static final String TINY =
      """
      {"name": "official-tiny", "method": "sorcen",
       "model": {"grid": 4, "codebook_size": 64, "embed_dim": 32, "depth": 2, "num_heads": 4,
                 "decoder_embed_dim": 24, "decoder_depth": 1, "decoder_num_heads": 4, "mlp_ratio": 4.0,
                 "projector_hidden_dim": 64, "projector_dim": 16, "predictor_hidden_dim": 32,
                 "classifier_hidden_dim": 16, "num_classes": 10, "dropout": 0.0},
       "echo": {"top_k": 15}}
      """;

  record Cli(int code, String out, String err) {}

  static Cli cli(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      CommandLine cmd = SorcenCli.commandLine();
      cmd.setErr(new PrintWriter(err, true));
      code = cmd.execute(args);
    } finally {
      System.setOut(old);
    }
    return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString());
  }

  static Path tinyConfig(Path tmp) throws Exception {
    Path p = tmp.resolve("tiny.json");
    Files.writeString(p, TINY);
    return p;
  }

  /** The weight tensors of the source fixture (not input.*, expected.*, extra.*). */
  static List<String> weightNames(Safetensors src) {
    return src.entries().keySet().stream()
        .filter(
            n -> !n.startsWith("input.") && !n.startsWith("expected.") && !n.startsWith("extra."))
        .toList();
  }

  /** The imported run's variables, restored from its checkpoint into a fresh training session. */
  static Map<String, float[]> restored(Path runDir, List<String> names) {
    Run run = Run.open(runDir);
    Path ckpt = run.checkpoint(note -> {});
    try (TrainingSession s =
        TrainingSession.create(
            run.config(), run.config().model.numClasses > 0, 1, SessionSettings.defaults())) {
      s.restore(Checkpoints.prefix(ckpt));
      return s.read(names);
    }
  }

  static float bf16(float f) {
    int bits = Float.floatToIntBits(f);
    int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
    return Float.intBitsToFloat(rounded & 0xFFFF0000);
  }

  @Test
  void theTrainingCheckpointImportsExactlyAndExportsAnEncoderThatReproducesTheOfficialEmbedding(
      @TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    Cli r =
        cli(
            "import-official",
            "--checkpoint",
            CHECKPOINT.toString(),
            "--config",
            tinyConfig(tmp).toString(),
            "--out",
            run.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(
        r.out().contains("imported 104 tensors")
            && r.out().contains("training checkpoint, epoch 3"),
        r.out());
    assertTrue(
        r.out().contains("ignored 3 official tensors the graph does not have: ")
            && r.out().contains("mask_token")
            && r.out().contains("token_emb.position_ids")
            && r.out().contains("projector.projector.1.num_batches_tracked"),
        r.out());
    assertTrue(r.out().contains("optimizer state not imported"), r.out());

    Safetensors src = Safetensors.read(SOURCE);
    List<String> names = weightNames(src);
    assertEquals(104, names.size());
    Map<String, float[]> got = restored(run, names);
    for (String n : names) {
      assertArrayEquals(src.floats(n), got.get(n), n);
    }
    Path ckpt = Run.open(run).checkpoint(note -> {});
    Checkpoints.Sidecar sidecar = Checkpoints.readSidecar(ckpt);
    assertEquals(0, sidecar.step());
    assertEquals(3.0, sidecar.epoch());
    assertTrue(
        Files.readString(run.resolve("run.json"))
            .contains("\"optimizer_state\" : \"not imported\""));

    Path models = tmp.resolve("savedmodels");
    Cli e = cli("export", "--run", run.toString(), "--out", models.toString());
    assertEquals(0, e.code(), e.out() + e.err());
    long[] ids = src.longs("input.tokens");
    int l = 16;
    long[][] tokens = new long[ids.length / l][];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = Arrays.copyOfRange(ids, i * l, (i + 1) * l);
    }
    // The exported embedding is the official linear-probe feature (ALGORITHM.md §8), which the
    // official code recorded in this fixture as extra.official_probe_feature.
    float[] expected = src.floats("extra.official_probe_feature");
    float[][] emb;
    try (SorcenEncoder enc = SorcenEncoder.load(models.resolve("sorcen-encoder").resolve("1"))) {
      emb = enc.embed(tokens);
    }
    double maxDiff = 0;
    double scale = 0;
    int d = expected.length / tokens.length;
    for (int i = 0; i < tokens.length; i++) {
      for (int j = 0; j < d; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(emb[i][j] - expected[i * d + j]));
        scale = Math.max(scale, Math.abs(expected[i * d + j]));
      }
    }
    assertTrue(maxDiff / scale <= 1e-4, "embedding relative error " + maxDiff / scale);
  }

  @Test
  void aBareBfloat16StateDictAndTheSafetensorsImportExactly(@TempDir Path tmp) throws Exception {
    Safetensors src = Safetensors.read(SOURCE);
    List<String> names = weightNames(src);

    Path bf = tmp.resolve("bf16");
    Cli r =
        cli(
            "import-official",
            "--checkpoint",
            STATE_DICT_BF16.toString(),
            "--config",
            tinyConfig(tmp).toString(),
            "--out",
            bf.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertFalse(r.out().contains("ignored"), r.out());
    Map<String, float[]> got = restored(bf, names);
    for (String n : names) {
      float[] want = src.floats(n);
      for (int i = 0; i < want.length; i++) {
        want[i] = bf16(want[i]);
      }
      assertArrayEquals(want, got.get(n), n);
    }

    Path st = tmp.resolve("st");
    r =
        cli(
            "import-official",
            "--checkpoint",
            SOURCE.toString(),
            "--config",
            tinyConfig(tmp).toString(),
            "--out",
            st.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("input.tokens") && r.out().contains("expected.embedding"), r.out());
    got = restored(st, names);
    for (String n : names) {
      assertArrayEquals(src.floats(n), got.get(n), n);
    }
  }

  @Test
  void anExistingOutIsRefusedBeforeAnythingIsRead(@TempDir Path tmp) throws Exception {
    Path out = Files.createDirectory(tmp.resolve("run"));
    Cli r =
        cli(
            "import-official",
            "--checkpoint",
            tmp.resolve("no-such.pth").toString(),
            "--out",
            out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("exists") && !r.err().contains("not found"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void aTruncatedCheckpointIsRefusedAndNothingIsWritten(@TempDir Path tmp) throws Exception {
    byte[] bytes = Files.readAllBytes(CHECKPOINT);
    Path cut = tmp.resolve("cut.pth");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    Path out = tmp.resolve("run");
    Cli r =
        cli(
            "import-official",
            "--checkpoint",
            cut.toString(),
            "--config",
            tinyConfig(tmp).toString(),
            "--out",
            out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("cut.pth") && r.err().contains("truncated"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void aConfigThatDisagreesIsRefusedNamingTheTensorAndBothShapes(@TempDir Path tmp)
      throws Exception {
    Path wide = tmp.resolve("wide.json");
    Files.writeString(wide, TINY.replace("\"embed_dim\": 32", "\"embed_dim\": 64"));
    Path out = tmp.resolve("run");
    Cli r =
        cli(
            "import-official",
            "--checkpoint",
            CHECKPOINT.toString(),
            "--config",
            wide.toString(),
            "--out",
            out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(
        r.err().contains("'token_emb.word_embeddings.weight' has shape [1065, 32]")
            && r.err().contains("[1065, 64]"),
        r.err());
    assertFalse(Files.exists(out));

    // Without --config, args.model 'sorcen_vit_base_patch16' picks the ViT-B preset, which these
    // shapes refute.
    WeightsException e =
        assertThrows(
            WeightsException.class,
            () -> OfficialImport.run(CHECKPOINT, null, Path.of("../configs"), out));
    assertTrue(
        e.getMessage().contains("sorcen-vit-base.json")
            && e.getMessage().contains("sorcen_vit_base_patch16")
            && e.getMessage().contains("[1065, 32]")
            && e.getMessage().contains("[2025, 768]"),
        e.getMessage());
    assertFalse(Files.exists(out));

    // A bare state_dict names no model: --config is required, and the shapes it shows are printed.
    Cli bare =
        cli("import-official", "--checkpoint", STATE_DICT_BF16.toString(), "--out", out.toString());
    assertEquals(2, bare.code(), bare.err());
    assertTrue(
        bare.err().contains("--config is required")
            && bare.err().contains("embed_dim 32, codebook_size 64")
            && bare.err().contains("grid 4")
            && bare.err().contains("depth 2"),
        bare.err());
  }

  @Test
  void aMissingNeededTensorIsRefusedByName(@TempDir Path tmp) throws Exception {
    byte[] bytes = Files.readAllBytes(SOURCE);
    int headerLen = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    String header = new String(bytes, 8, headerLen, StandardCharsets.UTF_8);
    String renamed = header.replace("\"norm.weight\"", "\"norm.wexght\"");
    assertEquals(header.length() + 0, renamed.length());
    assertFalse(header.equals(renamed));
    System.arraycopy(renamed.getBytes(StandardCharsets.UTF_8), 0, bytes, 8, headerLen);
    Path bad = tmp.resolve("bad.safetensors");
    Files.write(bad, bytes);
    Path out = tmp.resolve("run");
    Cli r =
        cli(
            "import-official",
            "--checkpoint",
            bad.toString(),
            "--config",
            tinyConfig(tmp).toString(),
            "--out",
            out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("missing tensor 'norm.weight'"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void theReaderHonorsDtypeOffsetAndStrideAndRefusesWhatItCannotRead() {
    TorchCheckpoint c = TorchCheckpoint.read(READER_CASES);
    assertFalse(c.isTrainingCheckpoint());
    float[] base = new float[12];
    for (int i = 0; i < 12; i++) {
      base[i] = i / 8f - 0.5f;
    }
    assertArrayEquals(new long[] {3, 4}, c.shapes().get("f32"));
    assertArrayEquals(base, c.floats("f32"));
    assertArrayEquals(base, c.floats("f16"));
    assertArrayEquals(base, c.floats("bf16"));
    assertArrayEquals(Arrays.copyOfRange(base, 5, 9), c.floats("offset"));
    assertArrayEquals(new long[] {-2, -1, 0, 1, 2, 3}, c.longs("i64"));
    List<String> refused = new ArrayList<>();
    for (String[] bad :
        new String[][] {{"transposed", "not contiguous"}, {"i32", "int32"}, {"i64", "int64"}}) {
      WeightsException e = assertThrows(WeightsException.class, () -> c.floats(bad[0]));
      assertTrue(
          e.getMessage().contains("'" + bad[0] + "'") && e.getMessage().contains(bad[1]),
          e.getMessage());
      refused.add(bad[0]);
    }
    assertEquals(3, refused.size());
    assertEquals(0f, TorchCheckpoint.halfToFloat((short) 0));
    assertEquals(65504f, TorchCheckpoint.halfToFloat((short) 0x7BFF));
    assertEquals(0x1p-24f, TorchCheckpoint.halfToFloat((short) 1));
  }
}
