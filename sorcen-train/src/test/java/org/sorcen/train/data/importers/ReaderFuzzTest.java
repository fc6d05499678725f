package org.sorcen.train.data.importers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.graph.weights.NamedTensors;
import org.sorcen.graph.weights.TorchCheckpoint;
import org.sorcen.graph.weights.WeightsException;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.official.OfficialImport;
import org.sorcen.train.official.TorchZip;

/**
 * The readers are total: every input, however damaged, is either read or refused with the reader's
 * own exception ({@link WeightsException} for a torch checkpoint or safetensors, {@link DataException}
 * for token and IDX files), whose message is one line of at most {@value #MAX_MESSAGE} characters naming the file;
 * no other Throwable, and at most {@value #BYTES_PER_INPUT_BYTE} bytes allocated per input byte
 * (plus 16 MB). Inputs, from seed 18: each fixture of data/reference (of the safetensors, the JSON header), of {@link Npy} and an
 * IDX file (raw and gzipped), mutated
 * (a flip, overwrite, insertion, deletion, huge length or duplicated slice each; for torch files
 * both inside data.pkl, re-zipped, and in the raw file) and cut at every prefix class of
 * {@link Mutations#prefixes}; plus {@link HostileInputs}, every class of defect found by hand, each
 * through both the checkpoint and the token-file reader. {@value #INPUTS} inputs in all.
 */
class ReaderFuzzTest {
  static final int INPUTS = 5075;
  static final int MAX_MESSAGE = 300;
  static final int BYTES_PER_INPUT_BYTE = 128;

  /** -Dsorcen.fuzz.verbose=true prints the refusal of every hand-made input. */
  private static final boolean VERBOSE = Boolean.getBoolean("sorcen.fuzz.verbose");

  private static final Path DIR =
      Path.of(System.getProperty("sorcen.fixtures", "../data/reference"));
  private static final String[] SMALL_TORCH = {
    "official-tokens-tiny.pt",
    "official-tokens-tiny-256.pt",
    "official-tokens-tiny-dino.pt",
    "official-tokens-tiny-int16.pt",
    "official-tokens-tiny-int32.pt",
    "official-tokens-bad-float.pt",
    "official-tokens-bad-labels.pt",
    "official-tokens-bad-no-vqgan.pt",
    "official-tokens-bad-rank.pt",
    "official-vqgan-tiny-io.pt",
    "torch-reader-cases.pth"
  };
  private static final String[] LARGE_TORCH = {
    "official-checkpoint-tiny.pth", "official-state-dict-tiny-bf16.pth", "official-vqgan-tiny.ckpt"
  };

  @TempDir Path tmp;
  private final Random random = new Random(18);
  private final List<String> failures = new ArrayList<>();
  private int inputs;
  private int refused;
  private double worstRatio;

  /** A reader under test; the exception it may throw for a bad file. */
  private record Reader(String name, Class<? extends RuntimeException> refusal, Read read) {}

  @FunctionalInterface
  private interface Read {
    void read(Path file) throws Exception;
  }

  private final Reader checkpoint =
      new Reader(
          "TorchCheckpoint",
          WeightsException.class,
          file -> {
            TorchCheckpoint pt = TorchCheckpoint.read(file);
            for (String name : pt.shapes().keySet()) {
              try {
                pt.floats(name);
              } catch (WeightsException e) {
                checkMessage(e, file);
                try {
                  pt.integers(name);
                } catch (WeightsException again) {
                  checkMessage(again, file);
                }
              }
            }
          });
  private final Reader safetensors =
      new Reader(
          "Safetensors",
          WeightsException.class,
          file -> {
            NamedTensors st = OfficialImport.open(file);
            for (String name : st.shapes().keySet()) {
              try {
                st.floats(name);
              } catch (WeightsException e) {
                checkMessage(e, file);
              }
            }
          });
  private final Reader tokens =
      new Reader("TorchTokensReader", DataException.class, TorchTokensReader::read);
  private final Reader npy =
      new Reader("NpyReader", DataException.class, file -> NpyReader.readTokens(file, null));
  private final Reader idx =
      new Reader("IdxReader", DataException.class, file -> IdxReader.read(file, null, null));

  @Test
  void everyDamagedOrHostileFileIsReadOrRefusedInOneBoundedLine() throws Exception {
    long start = System.nanoTime();
    long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    for (String name : SMALL_TORCH) {
      torchFixture(name, name.startsWith("official-tokens") ? tokens : checkpoint, 80, 20);
    }
    for (String name : LARGE_TORCH) {
      torchFixture(name, checkpoint, 20, 5);
    }
    safetensorsFixture("sorcen-reference-tiny.safetensors", 100);
    for (Map.Entry<String, byte[]> e : npyFixtures().entrySet()) {
      fuzz(e.getKey(), e.getValue(), npy, 120);
    }
    for (Map.Entry<String, byte[]> e : idxFixtures().entrySet()) {
      fuzz(e.getKey(), e.getValue(), idx, 100);
    }
    for (Map.Entry<String, byte[]> e : HostileInputs.pickles().entrySet()) {
      byte[] zip = TorchZip.zip(e.getValue(), Map.of("0", new byte[16]));
      run(e.getKey(), "hostile.pt", zip, checkpoint);
      run(e.getKey(), "hostile.pt", zip, tokens);
    }
    for (Map.Entry<String, byte[]> e : HostileInputs.zips().entrySet()) {
      run(e.getKey(), "hostile.pt", e.getValue(), checkpoint);
      run(e.getKey(), "hostile.pt", e.getValue(), tokens);
    }
    for (Map.Entry<String, byte[]> e : HostileInputs.safetensors().entrySet()) {
      run(e.getKey(), "hostile.safetensors", e.getValue(), safetensors);
    }
    for (Map.Entry<String, byte[]> e : HostileInputs.npys().entrySet()) {
      run(e.getKey(), "hostile.npy", e.getValue(), npy);
    }
    for (Map.Entry<String, byte[]> e : HostileInputs.npzs().entrySet()) {
      run(e.getKey(), "hostile.npz", e.getValue(), npy);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1e9;
    System.out.printf(
        "reader fuzz: %d inputs, %d refused, %.1f s (%.1f s CPU), at most %.1f bytes allocated per byte of an input over 64 KB%n",
        inputs, refused, seconds, cpu, worstRatio);
    assertTrue(
        failures.isEmpty(),
        failures.size() + " inputs broke a reader:\n" + String.join("\n", failures));
    assertEquals(INPUTS, inputs, "the class comment states the number of inputs");
  }

  private void torchFixture(String name, Reader reader, int pickleMutations, int rawMutations)
      throws IOException {
    Path fixture = DIR.resolve(name);
    byte[] pickle = TorchZip.pickleOf(fixture);
    for (int i = 0; i < pickleMutations; i++) {
      run(
          name + " data.pkl mutation " + i,
          "m.pt",
          TorchZip.withPickle(fixture, Mutations.mutate(pickle, random)),
          reader);
    }
    for (int cut : Mutations.prefixes(pickle.length)) {
      run(
          name + " data.pkl cut to " + cut,
          "m.pt",
          TorchZip.withPickle(fixture, Arrays.copyOf(pickle, cut)),
          reader);
    }
    fuzz(name, Files.readAllBytes(fixture), reader, rawMutations);
  }

  /** Mutations and cuts of the JSON header (8-byte length, then JSON), the tensor data left as it is. */
  private void safetensorsFixture(String name, int mutations) throws IOException {
    byte[] all = Files.readAllBytes(DIR.resolve(name));
    int end = 8 + (int) ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    byte[] header = Arrays.copyOf(all, end);
    byte[] data = Arrays.copyOfRange(all, end, all.length);
    for (int i = 0; i < mutations; i++) {
      run(
          name + " header mutation " + i,
          "m.safetensors",
          concat(Mutations.mutate(header, random), data),
          safetensors);
    }
    for (int cut : Mutations.prefixes(all.length)) {
      run(name + " cut to " + cut, "m.safetensors", Arrays.copyOf(all, cut), safetensors);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private void fuzz(String name, byte[] bytes, Reader reader, int mutations) {
    String file = "m" + name.substring(name.lastIndexOf('.'));
    for (int i = 0; i < mutations; i++) {
      run(name + " mutation " + i, file, Mutations.mutate(bytes, random), reader);
    }
    for (int cut : Mutations.prefixes(bytes.length)) {
      run(name + " cut to " + cut, file, Arrays.copyOf(bytes, cut), reader);
    }
  }

  /** Fixtures in a fixed order (Map.of's order changes from run to run, and so would the inputs). */
  private static Map<String, byte[]> npyFixtures() throws IOException {
    byte[] rows = Npy.file("<i8", "(3, 4)", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put("tokens", rows);
    members.put("labels", Npy.file("<i4", "(3,)", 0, 1, 2));
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("rows.npy", rows);
    m.put("grid.npy", Npy.file(">u2", "(2, 2, 2)", 1, 2, 3, 4, 5, 6, 7, 8));
    m.put(
        "grid3.npy",
        Npy.file(
            3, Npy.dict(">u2", false, "(2, 2, 2)"), Npy.encode(">u2", 1, 2, 3, 4, 5, 6, 7, 8)));
    m.put("stored.npz", Npy.npz(members, false));
    m.put("deflated.npz", Npy.npz(members, true));
    return m;
  }

  /** 3 images of 4×4 as MNIST lays them out, raw and gzipped. */
  private Map<String, byte[]> idxFixtures() throws IOException {
    byte[] pixels = new byte[3 * 16];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 5);
    }
    Path images = tmp.resolve("fixture-images.idx");
    IdxWriter.write(
        new ImageSet(3, 4, 4, 1, pixels, new long[] {0, 1, 2}, List.of()),
        images,
        tmp.resolve("fixture-labels.idx"));
    byte[] raw = Files.readAllBytes(images);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(raw);
    }
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("images.idx", raw);
    m.put("images.gz", gz.toByteArray());
    return m;
  }

  private void run(String label, String fileName, byte[] bytes, Reader reader) {
    inputs++;
    Path file = tmp.resolve(fileName);
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    try {
      Files.write(file, bytes);
      before = threads.getCurrentThreadAllocatedBytes();
      reader.read().read(file);
    } catch (Throwable t) {
      if (!reader.refusal().isInstance(t)) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        failures.add(
            reader.name() + ", " + label + ": " + trace.toString().lines().limit(6).toList());
        return;
      }
      refused++;
      if (VERBOSE && fileName.startsWith("hostile")) {
        System.out.println(label + " -> " + t.getMessage());
      }
      String problem = problem(t, file);
      if (problem != null) {
        failures.add(reader.name() + ", " + label + ": " + problem);
      }
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    if (bytes.length >= 1 << 16) { // below, fixed costs (buffers, zip tables) dominate the ratio
      worstRatio = Math.max(worstRatio, (double) allocated / bytes.length);
    }
    if (allocated > (long) BYTES_PER_INPUT_BYTE * bytes.length + (16 << 20)) {
      failures.add(
          reader.name()
              + ", "
              + label
              + ": allocated "
              + allocated
              + " bytes for a file of "
              + bytes.length);
    }
  }

  private void checkMessage(RuntimeException e, Path file) {
    String problem = problem(e, file);
    if (problem != null) {
      throw new AssertionError(problem);
    }
  }

  /** Null when the refusal's message is one line, bounded, and names the file; else what is wrong. */
  private static String problem(Throwable t, Path file) {
    String m = t.getMessage();
    if (m == null || m.contains("\n") || m.contains("\r")) {
      return "not one line: " + m;
    }
    if (m.length() > MAX_MESSAGE) {
      return m.length() + " characters: " + m.substring(0, 200) + "...";
    }
    return m.contains(file.getFileName().toString()) ? null : "does not name the file: " + m;
  }
}
