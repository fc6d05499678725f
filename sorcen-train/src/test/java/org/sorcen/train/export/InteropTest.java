package org.sorcen.train.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.ModelExport;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;

/**
 * The exported models outside this project: in a fresh JVM whose classpath holds TensorFlow Java
 * alone, and in Python TensorFlow's own loader (when a Python with TensorFlow is given by
 * SORCEN_PYTHON, as .ci/run does). Each must reproduce the in-session graph.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InteropTest {
  @TempDir
  static Path tmp;
  Path encoder;
  Path generator;
  final long[][] batches = {ExportTest.flat(ExportTest.grids(1, 9)), ExportTest.flat(ExportTest.grids(7, 3))};
  float[][] expectedEmbeddings = new float[2][];
  final long[] seeds = {4, 8, 15, 16, 23, 42, 7};
  long[] expectedTokens;
  Path callerClasses;
  String tfClasspath;

  @BeforeAll
  void exportATrainedTinyModel() throws Exception {
    SorcenConfig config = ConfigLoader.parse(ExportTest.CONFIG, "t", Map.of());
    Path prefix = tmp.resolve("ckpt");
    try (TrainingSession s = TrainingSession.create(config, false, 4, SessionSettings.defaults())) {
      for (int i = 0; i < 3; i++) {
        s.step(ExportTest.flat(ExportTest.grids(8, i)), null);
      }
      s.save(prefix);
      for (int b = 0; b < 2; b++) {
        expectedEmbeddings[b] = flatten(s.embed(batches[b], 64));
      }
      expectedTokens = s.generate(seeds, 12, 4.5f);
    }
    encoder = ModelExport.encoder(config, prefix, tmp.resolve("sm"), null);
    generator = ModelExport.generator(config, prefix, tmp.resolve("sm"), null);
    tfClasspath = tensorFlowJavaClasspath();
    callerClasses = Files.createDirectories(tmp.resolve("caller"));
    Path source = callerClasses.resolve("SavedModelCall.java");
    try (var in = getClass().getResourceAsStream("/interop/SavedModelCall.java")) {
      Files.write(source, in.readAllBytes());
    }
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", tfClasspath, "-d",
        callerClasses.toString(), source.toString());
    assertEquals(0, rc, "compiling the TF-Java-only caller");
  }

  @Test
  void aFreshJvmWithOnlyTensorFlowJavaReproducesTheSession() throws Exception {
    for (int b = 0; b < 2; b++) {
      Path out = call(javaCommand(), encoder, "serving_default", Map.of("tokens", longs(batches[b], b == 0 ? 1 : 7, 16)));
      assertClose(expectedEmbeddings[b], floats(out.resolve("embedding.bin")));
    }
    Path first = call(javaCommand(), generator, "serving_default", generatorInputs());
    Path second = call(javaCommand(), generator, "serving_default", generatorInputs());
    assertArrayEquals(expectedTokens, longs(first.resolve("tokens.bin")));
    assertArrayEquals(expectedTokens, longs(second.resolve("tokens.bin")), "same seeds, same tokens in another process");
  }

  @Test
  void pythonTensorFlowsLoaderReproducesTheJavaResults() throws Exception {
    String python = System.getenv("SORCEN_PYTHON");
    assumeTrue(python != null && !python.isBlank(), "skipped: SORCEN_PYTHON is not set (.ci/run sets it to a Python "
        + "with tensorflow-cpu installed); no Python TensorFlow to compare with");
    Process probe = new ProcessBuilder(python, "-c", "import tensorflow").redirectErrorStream(true).start();
    assumeTrue(probe.waitFor(120, TimeUnit.SECONDS) && probe.exitValue() == 0,
        "skipped: " + python + " cannot import tensorflow");
    Path script = tmp.resolve("call_savedmodel.py");
    try (var in = getClass().getResourceAsStream("/interop/call_savedmodel.py")) {
      Files.write(script, in.readAllBytes());
    }
    List<String> py = List.of(python, script.toString());
    for (int b = 0; b < 2; b++) {
      Path out = call(py, encoder, "serving_default", Map.of("tokens", longs(batches[b], b == 0 ? 1 : 7, 16)));
      assertClose(expectedEmbeddings[b], floats(out.resolve("embedding.bin")));
      Path javaFeatures = call(javaCommand(), encoder, "features", Map.of("tokens", longs(batches[b], b == 0 ? 1 : 7,
          16)));
      Path pyFeatures = call(py, encoder, "features", Map.of("tokens", longs(batches[b], b == 0 ? 1 : 7, 16)));
      assertClose(floats(javaFeatures.resolve("patch_features.bin")), floats(pyFeatures.resolve("patch_features.bin")));
      assertClose(floats(javaFeatures.resolve("cls.bin")), floats(pyFeatures.resolve("cls.bin")));
    }
    Path out = call(py, generator, "serving_default", generatorInputs());
    assertArrayEquals(expectedTokens, longs(out.resolve("tokens.bin")), "identical tokens in Python TensorFlow");
  }

  private Map<String, String> generatorInputs() throws IOException {
    ByteBuffer t = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(4.5f);
    ByteBuffer n = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(12);
    return Map.of("seeds", longs(seeds, seeds.length), "temperature", write("float32::", t.array()),
        "num_iter", write("int32::", n.array()));
  }

  private List<String> javaCommand() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        callerClasses + java.io.File.pathSeparator + tfClasspath, "SavedModelCall");
  }

  private Path call(List<String> command, Path model, String signature, Map<String, String> inputs) throws Exception {
    Path out = Files.createTempDirectory(tmp, "out");
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(List.of(model.toString(), signature, out.toString()));
    inputs.forEach((name, spec) -> cmd.add(name + ":" + spec));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolve("log.txt").toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    boolean done = p.waitFor(300, TimeUnit.SECONDS);
    assertEquals(0, done ? p.exitValue() : -1, () -> readQuietly(out.resolve("log.txt")));
    return out;
  }

  private String longs(long[] values, long... shape) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    String dims = String.join("x", java.util.Arrays.stream(shape).mapToObj(Long::toString).toList());
    return write("int64:" + dims + ":", b.array());
  }

  private String write(String prefix, byte[] bytes) throws IOException {
    Path f = Files.createTempFile(tmp, "in", ".bin");
    Files.write(f, bytes);
    return prefix + f;
  }

  private static float[] floats(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[b.remaining() / 4];
    b.asFloatBuffer().get(v);
    return v;
  }

  private static long[] longs(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    long[] v = new long[b.remaining() / 8];
    b.asLongBuffer().get(v);
    return v;
  }

  private static float[] flatten(float[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out, r * rows[0].length, rows[0].length);
    }
    return out;
  }

  private static void assertClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5, "element " + i);
    }
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** The jars of TensorFlow Java and what it needs (ndarray, JavaCPP, protobuf, the natives), nothing else. */
  static String tensorFlowJavaClasspath() throws Exception {
    List<Path> jars = new ArrayList<>();
    for (Class<?> c : new Class<?>[] {org.tensorflow.SavedModelBundle.class, org.tensorflow.ndarray.Shape.class,
        org.bytedeco.javacpp.Loader.class, com.google.protobuf.Message.class,
        org.tensorflow.internal.c_api.global.tensorflow.class}) {
      jars.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
    }
    Path nativeJar = jars.get(4);
    try (var siblings = Files.list(nativeJar.getParent())) {
      siblings.filter(p -> p.getFileName().toString().matches(".*-linux-x86_64(-gpu)?\\.jar")).forEach(jars::add);
    }
    return String.join(java.io.File.pathSeparator, jars.stream().map(Path::toString).distinct().toList());
  }
}
