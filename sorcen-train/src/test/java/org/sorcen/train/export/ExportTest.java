package org.sorcen.train.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.ModelExport;
import org.sorcen.export.SavedModelVerifier;
import org.sorcen.export.SorcenEncoder;
import org.sorcen.export.SorcenGenerator;
import org.sorcen.train.cli.SorcenCli;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

class ExportTest {
  static final String CONFIG =
      """
      {"model": {"grid": 4, "codebook_size": 32, "embed_dim": 16, "depth": 2, "num_heads": 2,
        "decoder_embed_dim": 16, "decoder_depth": 1, "decoder_num_heads": 2, "projector_hidden_dim": 32,
        "projector_dim": 16, "predictor_hidden_dim": 32}, "optimizer": {"blr": 0.1, "warmup_epochs": 0},
        "train": {"batch_size": 8, "epochs": 10}}
      """;

  static long[][] grids(int rows, int salt) {
    long[][] g = new long[rows][16];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < 16; i++) {
        g[r][i] = (r * 7L + i * 5L + salt) % 32;
      }
    }
    return g;
  }

  static long[] flat(long[][] g) {
    long[] f = new long[g.length * g[0].length];
    for (int r = 0; r < g.length; r++) {
      System.arraycopy(g[r], 0, f, r * g[0].length, g[0].length);
    }
    return f;
  }

  @Test
  void theExportedEncoderEmbedsLikeTheTrainingSession(@TempDir Path tmp) {
    JobConfig config = JobConfig.parse(CONFIG, "t", Map.of());
    Path prefix = tmp.resolve("ckpt");
    float[][] expected1;
    float[][] expected7;
    try (TrainingSession s = TrainingSession.create(config, false, 4, SessionSettings.defaults())) {
      for (int i = 0; i < 3; i++) {
        s.step(flat(grids(8, i)), null);
      }
      s.save(prefix);
      expected1 = s.inference().embed(flat(grids(1, 9)), 64);
      expected7 = s.inference().embed(flat(grids(7, 3)), 64);
    }
    Path dir = ModelExport.encoder(config, prefix, tmp.resolve("savedmodels"), null);
    assertEquals(tmp.resolve("savedmodels/sorcen-encoder/1"), dir);
    assertTrue(
        Files.isRegularFile(dir.resolve("saved_model.pb"))
            && Files.isRegularFile(dir.resolve(ModelExport.CARD)));
    try (SorcenEncoder enc = SorcenEncoder.load(dir)) {
      assertClose(expected1, enc.embed(grids(1, 9)));
      assertClose(expected7, enc.embed(grids(7, 3)));
      long[][] bad = grids(2, 0);
      bad[1][5] = 32;
      var e = assertThrows(IllegalArgumentException.class, () -> enc.embed(bad));
      assertTrue(e.getMessage().contains("row 1, position 5"), e.getMessage());
    }
    assertEquals(
        tmp.resolve("savedmodels/sorcen-encoder/2"),
        ModelExport.encoder(config, prefix, tmp.resolve("savedmodels"), null),
        "the next export is the next integer version");
  }

  @Test
  void theExportedGeneratorGivesTheSessionsTokensPerSeed(@TempDir Path tmp) {
    JobConfig config = JobConfig.parse(CONFIG, "t", Map.of());
    Path prefix = tmp.resolve("ckpt");
    long[] seeds = {4, 8, 15, 16, 23, 42, 7};
    long[] expected;
    try (TrainingSession s = TrainingSession.create(config, false, 4, SessionSettings.defaults())) {
      s.step(flat(grids(8, 0)), null);
      s.save(prefix);
      expected = s.inference().generate(seeds, 12, 4.5f);
    }
    Path dir = ModelExport.generator(config, prefix, tmp.resolve("savedmodels"), 3);
    assertEquals(tmp.resolve("savedmodels/sorcen-generator/3"), dir);
    try (SorcenGenerator gen = SorcenGenerator.load(dir)) {
      long[][] seven = gen.generate(seeds);
      assertArrayEquals(expected, flat(seven));
      long[][] one = gen.generate(new long[] {15});
      assertArrayEquals(seven[2], one[0], "a seed's tokens do not depend on the batch");
      for (long id : flat(seven)) {
        assertTrue(id >= 0 && id < 32);
      }
      assertFalse(Arrays.equals(seven[0], seven[1]), "different seeds, different images");
      assertThrows(IllegalArgumentException.class, () -> gen.generate(seeds, 4.5f, 33));
    }
  }

  @Test
  void verificationPassesOnExportsAndNamesATamperedSignature(@TempDir Path tmp) throws Exception {
    JobConfig config = JobConfig.parse(CONFIG, "t", Map.of());
    Path prefix = tmp.resolve("ckpt");
    try (TrainingSession s = TrainingSession.create(config, false, 4, SessionSettings.defaults())) {
      s.save(prefix);
    }
    Path enc = ModelExport.encoder(config, prefix, tmp.resolve("sm"), null);
    Path gen = ModelExport.generator(config, prefix, tmp.resolve("sm"), null);
    assertEquals(List.of(), SavedModelVerifier.problems(enc));
    assertEquals(List.of(), SavedModelVerifier.problems(gen));

    Path pb = enc.resolve("saved_model.pb");
    SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(pb));
    MetaGraphDef.Builder meta = sm.getMetaGraphs(0).toBuilder();
    SignatureDef serving = meta.getSignatureDefOrThrow("serving_default");
    TensorInfo tokens =
        serving.getInputsOrThrow("tokens").toBuilder().setDtype(DataType.DT_INT32).build();
    meta.putSignatureDef(
        "serving_default", serving.toBuilder().putInputs("tokens", tokens).build());
    Files.write(pb, sm.toBuilder().setMetaGraphs(0, meta).build().toByteArray());
    var problems = SavedModelVerifier.problems(enc);
    assertTrue(
        problems.stream()
            .anyMatch(
                p ->
                    p.contains(
                        "serving_default input 'tokens' is DT_INT32, expected " + "DT_INT64")),
        problems.toString());
    int code = SorcenCli.commandLine().execute("export", "--verify", enc.toString());
    assertEquals(1, code);
  }

  static void assertClose(float[][] expected, float[][] actual) {
    assertEquals(expected.length, actual.length);
    for (int r = 0; r < expected.length; r++) {
      for (int i = 0; i < expected[r].length; i++) {
        assertEquals(expected[r][i], actual[r][i], 1e-5, "row " + r + " dim " + i);
      }
    }
  }
}
