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
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A reader of the safetensors format: an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then raw little-endian data. Every offset and size is
 * checked against the file so that a truncated or inconsistent file fails with a message instead of
 * a wrong tensor.
 */
public final class Safetensors {
  /** One tensor's header entry. */
  public record Entry(String name, String dtype, long[] shape, long begin, long end) {
    public long numElements() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    public String shapeString() {
      return java.util.Arrays.toString(shape);
    }
  }

  private final Path file;
  private final ByteBuffer data;
  private final Map<String, Entry> entries;
  private final Map<String, String> metadata;

  private Safetensors(Path file, ByteBuffer data, Map<String, Entry> entries, Map<String, String> metadata) {
    this.file = file;
    this.data = data;
    this.entries = entries;
    this.metadata = metadata;
  }

  public static Safetensors read(Path file) {
    ByteBuffer all;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
    } catch (NoSuchFileException e) {
      throw new WeightsException("safetensors file not found: " + file);
    } catch (IOException e) {
      throw new WeightsException("cannot read " + file + ": " + e.getMessage());
    }
    if (all.capacity() < 8) {
      throw new WeightsException(file + ": not a safetensors file (" + all.capacity() + " bytes, need at least 8)");
    }
    long headerLen = all.getLong(0);
    if (headerLen <= 0 || headerLen > all.capacity() - 8L) {
      throw new WeightsException(file + ": header length " + headerLen + " does not fit a file of " + all.capacity()
          + " bytes (truncated or not safetensors)");
    }
    byte[] header = new byte[(int) headerLen];
    all.get(8, header);
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(header);
    } catch (IOException e) {
      throw new WeightsException(file + ": header is not valid JSON: " + e.getMessage());
    }
    ByteBuffer data = all.slice(8 + (int) headerLen, all.capacity() - 8 - (int) headerLen).order(ByteOrder.LITTLE_ENDIAN);
    Map<String, Entry> entries = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("__metadata__")) {
        f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      entries.put(f.getKey(), entry(file, f.getKey(), f.getValue(), data.capacity()));
    }
    return new Safetensors(file, data, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
  }

  private static Entry entry(Path file, String name, JsonNode node, long dataSize) {
    String dtype = node.path("dtype").asText("");
    JsonNode shapeNode = node.path("shape");
    JsonNode offsets = node.path("data_offsets");
    if (dtype.isEmpty() || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw new WeightsException(file + ": tensor '" + name + "' has no dtype, shape or data_offsets");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong();
    }
    Entry e = new Entry(name, dtype, shape, offsets.get(0).asLong(), offsets.get(1).asLong());
    long expected = e.numElements() * bytesPer(file, name, dtype);
    if (e.begin() < 0 || e.end() > dataSize || e.end() - e.begin() != expected) {
      throw new WeightsException(file + ": tensor '" + name + "' (" + dtype + " " + e.shapeString() + ") claims bytes ["
          + e.begin() + ", " + e.end() + ") but needs " + expected + " bytes inside a data section of " + dataSize);
    }
    return e;
  }

  private static int bytesPer(Path file, String name, String dtype) {
    return switch (dtype) {
      case "F64", "I64" -> 8;
      case "F32", "I32" -> 4;
      case "BF16", "I16" -> 2;
      case "U8", "I8", "BOOL" -> 1;
      default -> throw new WeightsException(file + ": tensor '" + name + "' has unsupported dtype " + dtype);
    };
  }

  public Path file() {
    return file;
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
  public float[] floats(String name) {
    Entry e = entry(name);
    int n = Math.toIntExact(e.numElements());
    float[] out = new float[n];
    int base = (int) e.begin();
    for (int i = 0; i < n; i++) {
      out[i] = switch (e.dtype()) {
        case "F32" -> data.getFloat(base + 4 * i);
        case "F64" -> (float) data.getDouble(base + 8 * i);
        case "BF16" -> Float.intBitsToFloat((data.getShort(base + 2 * i) & 0xFFFF) << 16);
        default -> throw new WeightsException(file + ": tensor '" + name + "' is " + e.dtype() + ", expected a float dtype");
      };
    }
    return out;
  }

  /** The tensor's values as int64 (from I64, I32 or I16). */
  public long[] longs(String name) {
    Entry e = entry(name);
    int n = Math.toIntExact(e.numElements());
    long[] out = new long[n];
    int base = (int) e.begin();
    for (int i = 0; i < n; i++) {
      out[i] = switch (e.dtype()) {
        case "I64" -> data.getLong(base + 8 * i);
        case "I32" -> data.getInt(base + 4 * i);
        case "I16" -> data.getShort(base + 2 * i);
        default -> throw new WeightsException(file + ": tensor '" + name + "' is " + e.dtype() + ", expected an integer dtype");
      };
    }
    return out;
  }
}
