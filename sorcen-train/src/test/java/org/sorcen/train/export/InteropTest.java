package org.sorcen.train.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Message;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.ModelExport;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;

/**
 * The exported encoder and generator outside this project: in a fresh JVM whose classpath holds
 * TensorFlow Java alone, and in Python TensorFlow's own loader (when SORCEN_PYTHON names a Python
 * with TensorFlow, as .ci/run arranges). Each must reproduce the in-session graph.
 */
class InteropTest {
  @TempDir static Path tmp;
  static Path encoder;
  static Path generator;
  static final long[][] BATCHES = {
    ExportTest.flat(ExportTest.grids(1, 9)), ExportTest.flat(ExportTest.grids(7, 3))
  };
  static final float[][] EMBEDDINGS = new float[2][];
  static final long[] SEEDS = {4, 8, 15, 16, 23, 42, 7};
  static long[] tokens;
  static final long[] KNOWN = ExportTest.flat(ExportTest.grids(2, 5));
  static final boolean[] KNOWN_MASK = new boolean[32];

  @BeforeAll
  static void exportATrainedTinyModel() {
    JobConfig config = JobConfig.parse(ExportTest.CONFIG, "t", Map.of());
    Path prefix = tmp.resolve("ckpt");
    try (TrainingSession s = TrainingSession.create(config, false, 4, SessionSettings.defaults())) {
      for (int i = 0; i < 3; i++) {
        s.step(ExportTest.flat(ExportTest.grids(8, i)), null);
      }
      s.save(prefix);
      for (int b = 0; b < 2; b++) {
        EMBEDDINGS[b] = flatten(s.inference().embed(BATCHES[b], 64));
      }
      tokens = s.inference().generate(SEEDS, 12, 4.5f);
    }
    for (int i = 0; i < KNOWN_MASK.length; i += 3) {
      KNOWN_MASK[i] = true;
    }
    encoder = ModelExport.encoder(config, prefix, tmp.resolve("sm"), null);
    generator = ModelExport.generator(config, prefix, tmp.resolve("sm"), null);
  }

  /** Every signature's outputs through {@code caller}, keyed "signature/output". */
  static Map<String, Path> callAll(SignatureCaller c) throws Exception {
    Map<String, Path> out = new LinkedHashMap<>();
    for (int b = 0; b < 2; b++) {
      Map<String, String> in = Map.of("tokens", c.int64(BATCHES[b], b == 0 ? 1 : 7, 16));
      out.put("embedding" + b, c.call(encoder, "serving_default", in).resolve("embedding.bin"));
      Path f = c.call(encoder, "features", in);
      out.put("patch_features" + b, f.resolve("patch_features.bin"));
      out.put("cls" + b, f.resolve("cls.bin"));
    }
    Map<String, String> gen =
        Map.of(
            "seeds",
            c.int64(SEEDS, SEEDS.length),
            "temperature",
            c.float32(4.5f),
            "num_iter",
            c.int32(12));
    out.put("tokens", c.call(generator, "serving_default", gen).resolve("tokens.bin"));
    Map<String, String> inpaint = new HashMap<>(gen);
    inpaint.put("seeds", c.int64(new long[] {1, 2}, 2));
    inpaint.put("tokens", c.int64(KNOWN, 2, 16));
    inpaint.put("known_mask", c.bool(KNOWN_MASK, 2, 16));
    out.put("inpaint", c.call(generator, "inpaint", inpaint).resolve("tokens.bin"));
    return out;
  }

  @Test
  void aFreshJvmWithOnlyTensorFlowJavaReproducesTheSession() throws Exception {
    SignatureCaller java = SignatureCaller.javaOnly(Files.createTempDirectory(tmp, "java"));
    Map<String, Path> out = callAll(java);
    for (int b = 0; b < 2; b++) {
      assertClose(EMBEDDINGS[b], SignatureCaller.floats(out.get("embedding" + b)));
    }
    assertArrayEquals(tokens, SignatureCaller.longs(out.get("tokens")));
    long[] completed = SignatureCaller.longs(out.get("inpaint"));
    for (int i = 0; i < KNOWN_MASK.length; i++) {
      if (KNOWN_MASK[i]) {
        assertEquals(KNOWN[i], completed[i], "known position " + i + " kept");
      }
    }
    Map<String, Path> again = callAll(java);
    assertArrayEquals(
        SignatureCaller.longs(out.get("tokens")),
        SignatureCaller.longs(again.get("tokens")),
        "same seeds, same tokens in another process");
  }

  @Test
  void pythonTensorFlowsLoaderReproducesEverySignature() throws Exception {
    StringBuilder why = new StringBuilder();
    SignatureCaller python = SignatureCaller.python(Files.createTempDirectory(tmp, "py"), why);
    assumeTrue(python != null, () -> "skipped: " + why);
    Map<String, Path> py = callAll(python);
    Map<String, Path> java =
        callAll(SignatureCaller.javaOnly(Files.createTempDirectory(tmp, "java")));
    for (String key : py.keySet()) {
      if (key.equals("tokens") || key.equals("inpaint")) {
        assertArrayEquals(
            SignatureCaller.longs(java.get(key)), SignatureCaller.longs(py.get(key)), key);
      } else {
        assertClose(SignatureCaller.floats(java.get(key)), SignatureCaller.floats(py.get(key)));
      }
    }
    assertArrayEquals(
        tokens, SignatureCaller.longs(py.get("tokens")), "identical tokens in Python TensorFlow");
  }

  static float[] flatten(float[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out, r * rows[0].length, rows[0].length);
    }
    return out;
  }

  static void assertClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5, "element " + i);
    }
  }

  /** The jars of TensorFlow Java and what it needs (ndarray, JavaCPP, protobuf, the natives), nothing else. */
  static String tensorFlowJavaClasspath() throws Exception {
    List<Path> jars = new ArrayList<>();
    for (Class<?> c :
        new Class<?>[] {
          SavedModelBundle.class,
          Shape.class,
          Loader.class,
          Message.class,
          org.tensorflow.internal.c_api.global.tensorflow.class
        }) {
      jars.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
    }
    try (var siblings = Files.list(jars.get(4).getParent())) {
      siblings
          .filter(p -> p.getFileName().toString().matches(".*-linux-x86_64(-gpu)?\\.jar"))
          .forEach(jars::add);
    }
    return String.join(File.pathSeparator, jars.stream().map(Path::toString).distinct().toList());
  }
}
