package org.sorcen.graph.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.config.JsonErrors;

/**
 * A reader of the safetensors format: an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then raw little-endian data. Every offset and size is
 * checked against the file so that a truncated or inconsistent file fails with a message instead of
 * a wrong tensor.
 */
public final class Safetensors implements NamedTensors {
  /** One tensor's header entry. */
  public record Entry(String name, String dtype, long[] shape, long begin, long end) {
    public long numElements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    /** {@link #numElements}, or an ArithmeticException when it overflows (read() refuses such a header). */
    long numElementsExact() {
      long n = 1;
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }

    public String shapeString() {
      return Arrays.toString(shape);
    }
  }

  private final Path file;
  private final long dataStart;
  private final Map<String, Entry> entries;
  private final Map<String, String> metadata;

  private Safetensors(
      Path file, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
    this.file = file;
    this.dataStart = dataStart;
    this.entries = entries;
    this.metadata = metadata;
  }

  /** Reads the header only; tensors are read on demand, so files beyond 2 GB work. */
  public static Safetensors read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new WeightsException(
            file + ": not a safetensors file (" + size + " bytes, need at least 8)");
      }
      long headerLen = readFully(ch, 0, 8).getLong(0);
      if (headerLen <= 0 || headerLen > size - 8L || headerLen > Integer.MAX_VALUE) {
        throw new WeightsException(
            file
                + ": header length "
                + headerLen
                + " does not fit a file of "
                + size
                + " bytes (truncated or not safetensors)");
      }
      ByteBuffer headerBytes = readFully(ch, 8, (int) headerLen);
      JsonNode root;
      try {
        root = new ObjectMapper().readTree(headerBytes.array());
      } catch (IOException e) {
        throw new WeightsException(file + ": header is not valid JSON: " + JsonErrors.describe(e));
      }
      if (root == null || !root.isObject()) {
        throw new WeightsException(file + ": header must be a JSON object");
      }
      long dataSize = size - 8 - headerLen;
      Map<String, Entry> entries = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> f : root.properties()) {
        if (f.getKey().equals("__metadata__")) {
          f.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        entries.put(f.getKey(), entry(file, f.getKey(), f.getValue(), dataSize));
      }
      return new Safetensors(
          file,
          8 + headerLen,
          Collections.unmodifiableMap(entries),
          Collections.unmodifiableMap(metadata));
    } catch (NoSuchFileException e) {
      throw new WeightsException("safetensors file not found: " + file);
    } catch (IOException e) {
      throw new WeightsException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static ByteBuffer readFully(FileChannel ch, long position, int length)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buf.hasRemaining()) {
      if (ch.read(buf, position + buf.position()) < 0) {
        throw new IOException("unexpected end of file at byte " + (position + buf.position()));
      }
    }
    return buf;
  }

  /** The raw bytes of one tensor. */
  private ByteBuffer bytes(Entry e) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return readFully(ch, dataStart + e.begin(), Math.toIntExact(e.end() - e.begin()));
    } catch (IOException | ArithmeticException ex) {
      throw new WeightsException(
          file + ": cannot read tensor '" + shown(e.name()) + "': " + ex.getMessage());
    }
  }

  private static Entry entry(Path file, String fullName, JsonNode node, long dataSize) {
    String name = shown(fullName); // for messages only: a header may hold a 10,000-character name
    String dtype = node.path("dtype").asText("");
    JsonNode shapeNode = node.path("shape");
    JsonNode offsets = node.path("data_offsets");
    if (dtype.isEmpty() || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw new WeightsException(
          file + ": tensor '" + name + "' has no dtype, shape or data_offsets");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode dim = shapeNode.get(i);
      if (!dim.canConvertToLong() || !dim.isIntegralNumber() || dim.asLong() < 0) {
        throw new WeightsException(
            file + ": tensor '" + name + "' has an invalid shape " + shown(shapeNode.toString()));
      }
      shape[i] = dim.asLong();
    }
    Entry e = new Entry(fullName, dtype, shape, offsets.get(0).asLong(), offsets.get(1).asLong());
    long expected;
    try {
      expected = Math.multiplyExact(e.numElementsExact(), bytesPer(file, name, dtype));
    } catch (ArithmeticException overflow) {
      throw new WeightsException(
          file
              + ": tensor '"
              + name
              + "' has shape "
              + shown(e.shapeString())
              + ", whose byte size overflows 64 bits");
    }
    if (e.begin() < 0 || e.end() > dataSize || e.end() - e.begin() != expected) {
      throw new WeightsException(
          file
              + ": tensor '"
              + name
              + "' ("
              + dtype
              + " "
              + shown(e.shapeString())
              + ") claims bytes ["
              + e.begin()
              + ", "
              + e.end()
              + ") but needs "
              + expected
              + " bytes inside a data section of "
              + dataSize);
    }
    return e;
  }

  private static int bytesPer(Path file, String name, String dtype) {
    return switch (dtype) {
      case "F64", "I64" -> 8;
      case "F32", "I32" -> 4;
      case "BF16", "I16" -> 2;
      case "U8", "I8", "BOOL" -> 1;
      default ->
          throw new WeightsException(
              file + ": tensor '" + name + "' has unsupported dtype " + shown(dtype));
    };
  }

  /** {@code s} cut to 80 characters for a message. */
  private static String shown(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "... (" + s.length() + " characters)";
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public Map<String, long[]> shapes() {
    Map<String, long[]> out = new LinkedHashMap<>();
    entries.forEach((name, e) -> out.put(name, e.shape()));
    return Collections.unmodifiableMap(out);
  }

  @Override
  public void checkFloats(String name) {
    String dtype = entry(name).dtype();
    if (!dtype.equals("F32") && !dtype.equals("F64") && !dtype.equals("BF16")) {
      throw new WeightsException(
          file + ": tensor '" + name + "' is " + dtype + ", expected a float dtype");
    }
  }

  public Map<String, Entry> entries() {
    return entries;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new WeightsException(file + ": missing tensor '" + name + "'");
    }
    return e;
  }

  /** The tensor's values as float32 (from F32, F64 or BF16). */
  @Override
  public float[] floats(String name) {
    Entry e = entry(name);
    checkFloats(name);
    ByteBuffer data = bytes(e);
    float[] out = new float[Math.toIntExact(e.numElements())];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (e.dtype()) {
            case "F32" -> data.getFloat(4 * i);
            case "F64" -> (float) data.getDouble(8 * i);
            default -> Float.intBitsToFloat((data.getShort(2 * i) & 0xFFFF) << 16);
          };
    }
    return out;
  }

  /** The tensor's values as int64 (from I64, I32, I16 or U8). */
  public long[] longs(String name) {
    Entry e = entry(name);
    if (!List.of("I64", "I32", "I16", "U8").contains(e.dtype())) {
      throw new WeightsException(
          file + ": tensor '" + name + "' is " + e.dtype() + ", expected an integer dtype");
    }
    ByteBuffer data = bytes(e);
    long[] out = new long[Math.toIntExact(e.numElements())];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (e.dtype()) {
            case "I64" -> data.getLong(8 * i);
            case "I32" -> data.getInt(4 * i);
            case "U8" -> data.get(i) & 0xFF;
            default -> data.getShort(2 * i);
          };
    }
    return out;
  }
}
