package org.sorcen.train.data.importers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sorcen.train.official.TorchZip;
import org.sorcen.train.official.TorchZip.Pickle;

/** The hand-made hostile inputs of the fuzz test, one or more per class of defect a tester found. */
final class HostileInputs {
  private HostileInputs() {}

  private static final int DEEP = 200_000;

  /** A BININT1/2/BININT or, past 32 bits, an 8-byte LONG1 fragment. */
  static byte[] integer(long v) {
    if (v >= 0 && v < (1L << 31)) {
      return new Pickle().integer(v).bytes();
    }
    return new Pickle().op(0x8a, 8).raw(Pickle.le(v, 8)).bytes();
  }

  static byte[] tuple(byte[]... items) {
    Pickle p = new Pickle().op('(');
    for (byte[] i : items) {
      p.raw(i);
    }
    return p.op('t').bytes();
  }

  private static byte[] tensor(byte[] numel, byte[] offset, byte[] size, byte[] stride) {
    return TorchZip.stateDict("w", numel, offset, size, stride);
  }

  private static byte[] repeat(int op, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) op);
    return b;
  }

  private static Pickle p2() {
    return new Pickle().op(0x80, 2);
  }

  /** Pickles (to be zipped with a 16-byte storage "0") by the defect they carry. */
  static Map<String, byte[]> pickles() {
    byte[] none = {'N'};
    byte[] four = integer(4);
    byte[] zero = integer(0);
    byte[] size4 = tuple(four);
    byte[] stride1 = tuple(integer(1));
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("STOP on an empty stack", p2().op('.').bytes());
    m.put("TUPLE without MARK", p2().op('N', 't', '.').bytes());
    m.put("SETITEMS without MARK", p2().op('}', 'N', 'N', 'u', '.').bytes());
    m.put("POP on an empty stack", p2().op('0', '.').bytes());
    m.put("APPEND with nothing to append to", p2().op('N', 'a', '.').bytes());
    m.put("a pop past the MARK", p2().op(']', '(', 'a', '.').bytes());
    m.put("BINGET of a memo never stored", p2().op('h', 5, '.').bytes());
    m.put("odd SETITEMS", p2().op('}', '(', 'N', 'u', '.').bytes());
    m.put(
        "a self-referential list as a key",
        p2().op('}', ']', 'q', 0, 'h', 0, 'a', 'N', 's', '.').bytes());
    m.put(
        "a self-referential dict as a persistent id",
        p2().op('}', 'q', 0, '(', 'N', 'h', 0, 'u', 'Q', '.').bytes());
    m.put(
        "a 200k-deep tuple as a key",
        p2().op('}', 'N').raw(repeat(0x85, DEEP)).op('N', 's', '.').bytes());
    m.put(
        "a 200k-deep list as a key",
        p2().op('}').raw(repeat(']', DEEP)).raw(repeat('a', DEEP - 1)).op('N', 's', '.').bytes());
    m.put(
        "a 200k-deep list as a persistent id",
        p2().raw(repeat(']', DEEP)).raw(repeat('a', DEEP - 1)).op('Q', '.').bytes());
    m.put(
        "a 200k-deep tuple as a persistent id",
        p2().op('N').raw(repeat(0x85, DEEP)).op('Q', '.').bytes());
    byte[] dictAndKey = "}N".repeat(DEEP - 1).getBytes(StandardCharsets.ISO_8859_1);
    m.put(
        "a 200k-deep dict as the root",
        p2().raw(dictAndKey).op('}').raw(repeat('s', DEEP - 1)).op('.').bytes());
    m.put("200k nested MARKs", p2().raw(repeat('(', DEEP)).op('.').bytes());
    m.put("None as the storage offset", tensor(four, none, size4, stride1));
    m.put("None in the size", tensor(four, zero, tuple(none), stride1));
    m.put("None as the storage numel", tensor(none, zero, size4, stride1));
    m.put("None as the size", tensor(four, zero, none, stride1));
    m.put(
        "a float as a size",
        tensor(four, zero, tuple(p2().op('G').raw(new byte[8]).bytes()), stride1));
    m.put(
        "a negative size",
        tensor(four, zero, tuple(new Pickle().op('J').raw(Pickle.le(-1, 4)).bytes()), stride1));
    m.put("fewer strides than sizes", tensor(four, zero, size4, tuple()));
    m.put(
        "a 65-dimensional size",
        tensor(
            four,
            zero,
            tuple(Collections.nCopies(65, integer(1)).toArray(byte[][]::new)),
            stride1));
    byte[] huge = integer(1L << 40);
    m.put(
        "an element count that overflows",
        tensor(four, zero, tuple(huge, huge, huge), tuple(four, four, four)));
    m.put(
        "a stride that overflows", tensor(four, zero, tuple(integer(4)), tuple(integer(1L << 62))));
    m.put("an offset past the storage", tensor(four, integer(1L << 62), size4, stride1));
    m.put("a numel whose byte size overflows", tensor(integer(1L << 62), zero, size4, stride1));
    m.put(
        "a 255-byte integer as the offset",
        tensor(four, new Pickle().op(0x8a, 255).raw(repeat(0x11, 255)).bytes(), size4, stride1));
    m.put(
        "BINUNICODE of 2^32 - 1 bytes in a small file",
        p2().op('X').raw(Pickle.le(0xFFFFFFFFL, 4)).op('a', '.').bytes());
    m.put(
        "BINUNICODE of 2^31 - 1 bytes", p2().op('X').raw(Pickle.le(0x7FFFFFFF, 4)).op('.').bytes());
    m.put("BINBYTES of 2^31 - 1 bytes", p2().op('B').raw(Pickle.le(0x7FFFFFFF, 4)).op('.').bytes());
    m.put("BINBYTES8 past 2^63", p2().op(0x8e).raw(repeat(0xFF, 8)).op('.').bytes());
    m.put("BINUNICODE8 of 2^40 bytes", p2().op(0x8d).raw(Pickle.le(1L << 40, 8)).op('.').bytes());
    m.put(
        "FRAME of 2^40 bytes",
        new Pickle().op(0x80, 4, 0x95).raw(Pickle.le(1L << 40, 8)).op('N', '.').bytes());
    m.put(
        "a 100,000-digit LONG4",
        p2().op(0x8b).raw(Pickle.le(41_524, 4)).raw(repeat(0x11, 41_524)).op('.').bytes());
    m.put(
        "a 1,000-byte integer as the root",
        p2().op(0x8b).raw(Pickle.le(1000, 4)).raw(repeat(0x11, 1000)).op('.').bytes());
    m.put(
        "invalid UTF-8",
        p2().op('X').raw(Pickle.le(2, 4)).raw(new byte[] {(byte) 0xC3, 0x28}).op('.').bytes());
    m.put("an opcode that is not read", p2().op(0xF0, '.').bytes());
    m.put("pickle protocol 9", new Pickle().op(0x80, 9, 'N', '.').bytes());
    m.put("GLOBAL without a newline", p2().op('c').raw(repeat('a', 2000)).bytes());
    m.put("no STOP", p2().op('N').bytes());
    m.put("empty", new byte[0]);
    m.put(
        "a 1,000-character storage key",
        new Pickle()
            .op(0x80, 2, '(')
            .str("storage")
            .global("torch", "FloatStorage")
            .str("k".repeat(1000))
            .str("cpu")
            .raw(four)
            .op('t', 'Q', '.')
            .bytes());
    m.put(
        "an unknown storage type",
        new Pickle()
            .op(0x80, 2, '(')
            .str("storage")
            .global("torch", "Evil" + "x".repeat(500))
            .str("0")
            .str("cpu")
            .raw(four)
            .op('t', 'Q', '.')
            .bytes());
    m.put("REDUCE of something not a global", p2().op('N', ')', 'R', '.').bytes());
    m.put(
        "REDUCE with no tuple",
        p2().raw(new Pickle().global("a", "b").bytes()).op('N', 'R', '.').bytes());
    m.put("BUILD on a string", p2().raw(new Pickle().str("s").bytes()).op('}', 'b', '.').bytes());
    m.put("a tensor keyed by an integer", keyedByInt());
    return m;
  }

  /** {@code {1: tensor}}: {@link TorchZip#stateDict} with its BINUNICODE key replaced by BININT1 1. */
  private static byte[] keyedByInt() {
    byte[] good = TorchZip.stateDict("w", 4);
    byte[] key = new Pickle().str("w").bytes();
    int at = indexOf(good, key);
    byte[] out = new byte[good.length - key.length + 2];
    System.arraycopy(good, 0, out, 0, at);
    out[at] = 'K';
    out[at + 1] = 1;
    System.arraycopy(good, at + key.length, out, at + 2, good.length - at - key.length);
    return out;
  }

  private static int indexOf(byte[] in, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= in.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (in[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("not found");
  }

  /** Zips that are not torch archives, or archives missing their storage. */
  static Map<String, byte[]> zips() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("an empty file", new byte[0]);
    m.put("a zip magic alone", new byte[] {'P', 'K', 3, 4});
    m.put("a storage that is missing", TorchZip.zip(TorchZip.stateDict("w", 4), Map.of()));
    m.put(
        "a storage too short", TorchZip.zip(TorchZip.stateDict("w", 4), Map.of("0", new byte[3])));
    m.put(
        "a storage too short for a 2^31-element tensor",
        TorchZip.zip(TorchZip.stateDict("w", Integer.MAX_VALUE), Map.of("0", new byte[16])));
    return m;
  }

  /** A safetensors file: the 8-byte header length, the JSON header, then {@code data} bytes. */
  private static byte[] safetensors(String json, int data) {
    byte[] j = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + j.length + data)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(j.length)
        .put(j)
        .array();
  }

  /** Safetensors headers by defect. */
  static Map<String, byte[]> safetensors() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put(
        "a 10,000-character tensor name",
        safetensors(
            "{\""
                + "x".repeat(10_000)
                + "\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
            4));
    m.put(
        "a shape whose byte size overflows",
        safetensors(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,"
                + "4294967296,4294967296],\"data_offsets\":[0,0]}}",
            0));
    m.put(
        "a 100,000-deep shape",
        safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":" + "[".repeat(100_000) + "}}", 0));
    m.put(
        "a 100,000-digit dimension",
        safetensors(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":["
                + "9".repeat(100_000)
                + "],\"data_offsets\":[0,4]}}",
            4));
    m.put(
        "a header length of 2^63 - 1",
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
    return m;
  }

  /** .npy files by defect. */
  static Map<String, byte[]> npys() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    m.put("a negative shape", Npy.file(1, Npy.dict("<i8", false, "(-3, 4)"), new byte[96]));
    m.put(
        "a 100,000-digit shape",
        Npy.file(2, Npy.dict("<i8", false, "(" + "9".repeat(100_000) + ", 4)"), new byte[0]));
    m.put(
        "a shape whose count overflows",
        Npy.file(1, Npy.dict("<i8", false, "(1099511627776, 1099511627776)"), new byte[0]));
    m.put(
        "a zero row count with 2^62 columns",
        Npy.file(1, Npy.dict("<i8", false, "(0, 4611686018427387904)"), new byte[0]));
    m.put("None in the shape", Npy.file(1, Npy.dict("<i8", false, "(None, 4)"), new byte[0]));
    m.put(
        "a 100-dimensional shape",
        Npy.file(1, Npy.dict("<i8", false, "(" + "1, ".repeat(100) + ")"), new byte[8]));
    m.put(
        "2^31 - 17 values in a small file",
        Npy.file(1, Npy.dict("<i8", false, "(2147483631,)"), new byte[64]));
    m.put(
        "2^31 - 17 rows of one id in a small file",
        Npy.file(1, Npy.dict("|u1", false, "(2147483631, 1)"), new byte[64]));
    m.put(
        "a 100,000-character dtype",
        Npy.file(2, Npy.dict("<" + "i".repeat(100_000), false, "(1, 1)"), new byte[8]));
    m.put("a header length of 65535 in a small file", header(1, 0xFFFF));
    m.put("a header length of 2^32 - 1", header(2, -1));
    m.put(
        "a structured array with a long header",
        Npy.file(
            1,
            "{'descr': [('a', '<i8')], 'x': '"
                + "y".repeat(5000)
                + "', 'fortran_order': False, 'shape': (1,), }",
            new byte[8]));
    m.put("the magic alone", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'});
    m.put("an empty file", new byte[0]);
    return m;
  }

  private static byte[] header(int major, int length) {
    byte[] b = new byte[16];
    System.arraycopy(
        new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0}, 0, b, 0, 8);
    System.arraycopy(Pickle.le(length, 4), 0, b, 8, 4);
    return b;
  }

  /** .npz files by defect. */
  static Map<String, byte[]> npzs() throws IOException {
    Map<String, byte[]> m = new LinkedHashMap<>();
    byte[] claims = Npy.file(1, Npy.dict("<i8", false, "(2147483631, 1)"), new byte[0]);
    m.put("a deflated member claiming 2^31 - 17 rows", Npy.npz(Map.of("tokens", claims), true));
    m.put(
        "a member with a 10,000-character name",
        Npy.npz(Map.of("t".repeat(10_000) + "/x", Npy.file("<i8", "(1, 1)", 3)), false));
    m.put("no members", Npy.npz(Map.of(), false));
    m.put("a zip end record alone", "PK\5\6".getBytes(StandardCharsets.ISO_8859_1));
    return m;
  }
}
