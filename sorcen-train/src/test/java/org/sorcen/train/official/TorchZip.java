package org.sorcen.train.official;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Hand-made {@code torch.save} archives for the reader tests: pickle bytes written opcode by opcode
 * (so that any field can be made hostile) and a stored zip as torch writes it.
 */
public final class TorchZip {
  private TorchZip() {}

  /** An archive/data.pkl holding {@code pickle}, with the given archive/data/KEY storages. */
  public static byte[] zip(byte[] pickle, Map<String, byte[]> storages) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("archive/data.pkl", pickle);
    entries.put("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
    storages.forEach((k, v) -> entries.put("archive/data/" + k, v));
    return stored(entries);
  }

  /** {@code fixture} with its data.pkl replaced by {@code pickle}, every other entry as it was. */
  public static byte[] withPickle(Path fixture, byte[] pickle) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(fixture.toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        entries.put(
            e.getName(),
            e.getName().endsWith("data.pkl") ? pickle : zip.getInputStream(e).readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return stored(entries);
  }

  /** The data.pkl of {@code fixture}. */
  public static byte[] pickleOf(Path fixture) {
    try (ZipFile zip = new ZipFile(fixture.toFile())) {
      ZipEntry pkl =
          Collections.list(zip.entries()).stream()
              .filter(e -> e.getName().endsWith("data.pkl"))
              .findFirst()
              .orElseThrow();
      return zip.getInputStream(pkl).readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] stored(Map<String, byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> m : entries.entrySet()) {
        ZipEntry e = new ZipEntry(m.getKey());
        CRC32 crc = new CRC32();
        crc.update(m.getValue());
        e.setMethod(ZipEntry.STORED);
        e.setSize(m.getValue().length);
        e.setCompressedSize(m.getValue().length);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(m.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Pickle bytes, opcode by opcode. */
  public static final class Pickle {
    private final ByteArrayOutputStream b = new ByteArrayOutputStream();

    public Pickle op(int... opcodes) {
      for (int o : opcodes) {
        b.write(o);
      }
      return this;
    }

    public Pickle raw(byte[] bytes) {
      b.writeBytes(bytes);
      return this;
    }

    /** BINUNICODE. */
    public Pickle str(String s) {
      byte[] u = s.getBytes(StandardCharsets.UTF_8);
      return op('X').raw(le(u.length, 4)).raw(u);
    }

    /** BININT1, BININT2 or BININT. */
    public Pickle integer(long v) {
      if (v >= 0 && v < 256) {
        return op('K', (int) v);
      }
      return v >= 0 && v < 65536 ? op('M').raw(le(v, 2)) : op('J').raw(le(v, 4));
    }

    public Pickle global(String module, String name) {
      return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    public byte[] bytes() {
      return b.toByteArray();
    }

    /** The low {@code n} bytes of {@code v}, little-endian. */
    public static byte[] le(long v, int n) {
      byte[] all = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
      return Arrays.copyOf(all, n);
    }
  }

  /**
   * The pickle of {@code {name: tensor}} for a float32 tensor over storage "0" of {@code numel}
   * elements; {@code offset}, {@code size} and {@code stride} are pickle fragments, so a test can put
   * None, a huge integer or a wrong type where a count belongs.
   */
  public static byte[] stateDict(
      String name, byte[] numel, byte[] offset, byte[] size, byte[] stride) {
    return new Pickle()
        .op(0x80, 2, '}', '(')
        .str(name)
        .global("torch._utils", "_rebuild_tensor_v2")
        .op('(')
        .op('(')
        .str("storage")
        .global("torch", "FloatStorage")
        .str("0")
        .str("cpu")
        .raw(numel)
        .op('t', 'Q')
        .raw(offset)
        .raw(size)
        .raw(stride)
        .op(0x89)
        .global("collections", "OrderedDict")
        .op(')', 'R')
        .op('t', 'R', 'u', '.')
        .bytes();
  }

  /** {@link #stateDict} of a well-formed float32 tensor of shape (n,). */
  public static byte[] stateDict(String name, int n) {
    return stateDict(
        name,
        new Pickle().integer(n).bytes(),
        new Pickle().integer(0).bytes(),
        new Pickle().integer(n).op(0x85).bytes(),
        new Pickle().integer(1).op(0x85).bytes());
  }
}
