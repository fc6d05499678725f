package org.sorcen.train.data.importers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;

/** Deterministic damage to a file's bytes for the fuzz test: one mutation per call, and truncations. */
final class Mutations {
  /** Bytes that change meaning in pickles, zips and npy headers: lengths, signs, MARK, STOP, opcodes. */
  private static final int[] INTERESTING = {
    0x00, 0x01, 0x7F, 0x80, 0xFF, '(', '.', ')', 't', 'u', 'e', 'a', 's', 'R', 'Q', 'b', 'h', 'q',
    'X', 'B', 'J', 'K', 'N', '}', ']', 0x85, 0x8a, 0x8b, 0x8d, 0x8e, 0x93, 0x95, '-', '9', ',',
    '\'', 'P', 'K'
  };

  /** Little-endian lengths a hostile file claims. */
  private static final int[] LENGTHS = {0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, 0x7FFFFFF0, 0x10000000};

  private Mutations() {}

  /** {@code in} with one random flip, overwrite, insertion, deletion, huge length or duplicated slice. */
  static byte[] mutate(byte[] in, Random r) {
    if (in.length == 0) {
      return new byte[] {(byte) pick(r)};
    }
    int at = r.nextInt(in.length);
    return switch (r.nextInt(6)) {
      case 0 -> {
        byte[] b = in.clone();
        b[at] ^= (byte) (1 << r.nextInt(8));
        yield b;
      }
      case 1 -> {
        byte[] b = in.clone();
        b[at] = (byte) pick(r);
        yield b;
      }
      case 2 -> splice(in, at, 0, new byte[] {(byte) pick(r)});
      case 3 -> splice(in, at, Math.min(in.length - at, 1 + r.nextInt(8)), new byte[0]);
      case 4 -> {
        byte[] len =
            ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(LENGTHS[r.nextInt(LENGTHS.length)])
                .array();
        yield splice(in, at, Math.min(in.length - at, 4), len);
      }
      default -> {
        int from = r.nextInt(in.length);
        int n = Math.min(in.length - from, 1 + r.nextInt(32));
        yield splice(in, at, 0, Arrays.copyOfRange(in, from, from + n));
      }
    };
  }

  /**
   * Prefix lengths that cut every part of a file: each of the first 48 bytes (magic, version,
   * header length, first opcodes), 32 evenly spaced ones, and the last 4 bytes missing one by one.
   */
  static TreeSet<Integer> prefixes(int length) {
    TreeSet<Integer> p = new TreeSet<>();
    for (int i = 0; i < Math.min(48, length); i++) {
      p.add(i);
    }
    for (int k = 1; k < 32; k++) {
      p.add((int) ((long) length * k / 32));
    }
    for (int i = 1; i <= Math.min(4, length); i++) {
      p.add(length - i);
    }
    return p;
  }

  private static int pick(Random r) {
    return r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : r.nextInt(256);
  }

  private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
    byte[] out = new byte[in.length - remove + insert.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
    return out;
  }
}
