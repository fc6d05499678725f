package org.sorcen.train.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;

/**
 * Calls SavedModel signatures in other processes: a fresh JVM with TensorFlow Java alone, or
 * Python TensorFlow (SORCEN_PYTHON). Inputs and outputs travel as little-endian files.
 */
public final class SignatureCaller {
  private final Path work;
  private final List<String> command;

  private SignatureCaller(Path work, List<String> command) {
    this.work = work;
    this.command = command;
  }

  /** A caller running {@code SavedModelCall} in a JVM whose classpath is TensorFlow Java's jars only. */
  public static SignatureCaller javaOnly(Path work) throws Exception {
    String cp = InteropTest.tensorFlowJavaClasspath();
    Path classes = Files.createDirectories(work.resolve("caller"));
    Path source = classes.resolve("SavedModelCall.java");
    try (var in = SignatureCaller.class.getResourceAsStream("/interop/SavedModelCall.java")) {
      Files.write(source, in.readAllBytes());
    }
    int rc =
        ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, "-cp", cp, "-d", classes.toString(), source.toString());
    assertEquals(0, rc, "compiling the TF-Java-only caller");
    return new SignatureCaller(
        work,
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            classes + File.pathSeparator + cp,
            "SavedModelCall"));
  }

  /** A caller running Python TensorFlow's loader, or null (with the reason in {@code why}) when there is none. */
  public static SignatureCaller python(Path work, StringBuilder why) throws Exception {
    String python = System.getenv("SORCEN_PYTHON");
    if (python == null || python.isBlank()) {
      why.append("SORCEN_PYTHON is not set (.ci/run sets it to a Python with tensorflow-cpu)");
      return null;
    }
    Process probe =
        new ProcessBuilder(python, "-c", "import tensorflow").redirectErrorStream(true).start();
    if (!probe.waitFor(120, TimeUnit.SECONDS) || probe.exitValue() != 0) {
      why.append(python).append(" cannot import tensorflow");
      return null;
    }
    Path script = work.resolve("call_savedmodel.py");
    try (var in = SignatureCaller.class.getResourceAsStream("/interop/call_savedmodel.py")) {
      Files.write(script, in.readAllBytes());
    }
    return new SignatureCaller(work, List.of(python, script.toString()));
  }

  /** Runs one signature; returns the directory holding {@code <output>.bin}. */
  public Path call(Path model, String signature, Map<String, String> inputs) throws Exception {
    Path out = Files.createTempDirectory(work, "out");
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(List.of(model.toString(), signature, out.toString()));
    inputs.forEach((name, spec) -> cmd.add(name + ":" + spec));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.resolve("log.txt").toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    boolean done = p.waitFor(300, TimeUnit.SECONDS);
    assertEquals(0, done ? p.exitValue() : -1, () -> read(out.resolve("log.txt")));
    return out;
  }

  public String int64(long[] values, long... shape) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return file("int64", b.array(), shape);
  }

  public String bool(boolean[] values, long... shape) throws IOException {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) (values[i] ? 1 : 0);
    }
    return file("bool", b, shape);
  }

  public String uint8(byte[] values, long... shape) throws IOException {
    return file("uint8", values, shape);
  }

  /** A vector of byte strings (e.g. encoded images). */
  public String strings(byte[]... values) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] v : values) {
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v.length).array());
      out.write(v);
    }
    return file("string", out.toByteArray(), values.length);
  }

  public String float32(float value) throws IOException {
    return file(
        "float32", ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
  }

  public String int32(int value) throws IOException {
    return file(
        "int32", ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
  }

  private String file(String dtype, byte[] bytes, long... shape) throws IOException {
    Path f = Files.createTempFile(work, "in", ".bin");
    Files.write(f, bytes);
    String dims = String.join("x", Arrays.stream(shape).mapToObj(Long::toString).toList());
    return dtype + ":" + dims + ":" + f;
  }

  public static float[] floats(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[b.remaining() / 4];
    b.asFloatBuffer().get(v);
    return v;
  }

  public static long[] longs(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    long[] v = new long[b.remaining() / 8];
    b.asLongBuffer().get(v);
    return v;
  }

  public static byte[] bytes(Path file) throws IOException {
    return Files.readAllBytes(file);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
