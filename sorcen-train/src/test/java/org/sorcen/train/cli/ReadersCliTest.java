package org.sorcen.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.cli.CliSurfaceTest.Run;
import org.sorcen.train.official.TorchZip;
import org.sorcen.train.official.TorchZip.Pickle;

/**
 * Hostile files through {@code ./sorcen import} and {@code import-official}: exit 2 and one
 * {@code error:} line naming the file, never a stack trace, and nothing written.
 */
class ReadersCliTest {
  @TempDir Path tmp;

  /** A .npy of format 1.0: magic, version, header length, the dict padded to 64 bytes, then data. */
  static byte[] npy(String descr, String shape, byte[] data) {
    StringBuilder h =
        new StringBuilder(
            "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }");
    while ((10 + h.length() + 1) % 64 != 0) {
      h.append(' ');
    }
    byte[] text = h.append('\n').toString().getBytes(StandardCharsets.ISO_8859_1);
    return ByteBuffer.allocate(10 + text.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
        .putShort((short) text.length)
        .put(text)
        .put(data)
        .array();
  }

  private static void assertOneErrorLine(Run r, Path file, String says) {
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    String line = r.errLines().get(0);
    assertTrue(
        line.startsWith("error: ") && line.contains(file.toString()) && line.contains(says), line);
    assertTrue(line.length() < 400, line);
  }

  @Test
  void aCheckpointWithNoneAsAStorageOffsetIsOneErrorLine() throws Exception {
    Path pth = tmp.resolve("none-offset.pth");
    byte[] none = {'N'};
    byte[] size = new Pickle().op('(').integer(4).op('t').bytes();
    byte[] stride = new Pickle().op('(').integer(1).op('t').bytes();
    Files.write(
        pth,
        TorchZip.zip(
            TorchZip.stateDict("w", new Pickle().integer(4).bytes(), none, size, stride),
            Map.of("0", new byte[16])));
    Path out = tmp.resolve("run");
    Run r =
        CliSurfaceTest.run(
            "import-official", "--checkpoint", pth.toString(), "--out", out.toString());
    assertOneErrorLine(r, pth, "storage_offset is None, not a non-negative int64");
    assertFalse(Files.exists(out));
  }

  @Test
  void aCheckpointWithAHugeStringLengthIsOneErrorLine() throws Exception {
    Path pth = tmp.resolve("huge-string.pth");
    Files.write(
        pth,
        TorchZip.zip(
            new Pickle().op(0x80, 2, 'X').raw(Pickle.le(0xFFFFFFF0L, 4)).op('.').bytes(),
            Map.of()));
    Run r =
        CliSurfaceTest.run(
            "import-official",
            "--checkpoint",
            pth.toString(),
            "--out",
            tmp.resolve("run").toString());
    assertOneErrorLine(r, pth, "a length of 4294967280 at offset 7, but 1 bytes remain");
  }

  @Test
  void aNegativeNpyShapeIsOneErrorLine() throws Exception {
    Path npy = tmp.resolve("negative.npy");
    Files.write(npy, npy("<i8", "(-3, 4)", new byte[96]));
    Path out = tmp.resolve("ds");
    Run r =
        CliSurfaceTest.run(
            "import", "--tokens", npy.toString(), "--codebook-size", "8", "--out", out.toString());
    assertOneErrorLine(r, npy, "npy shape entry 1, '-3', is not a non-negative integer");
    assertFalse(Files.exists(out));
  }

  @Test
  void aLabelOf2To31Minus2InATinyFileIsRefusedNotAllocated() throws Exception {
    Path tokens = tmp.resolve("tokens.npy");
    Path labels = tmp.resolve("labels.npy");
    Files.write(tokens, npy("<i8", "(1, 4)", new byte[32]));
    Files.write(
        labels,
        npy(
            "<i4",
            "(1,)",
            ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(Integer.MAX_VALUE - 1)
                .array()));
    Run r =
        CliSurfaceTest.run(
            "import",
            "--tokens",
            tokens.toString(),
            "--labels",
            labels.toString(),
            "--codebook-size",
            "8",
            "--out",
            tmp.resolve("ds").toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(
        r.err().startsWith("error: label 2147483646 would make 2147483647 classes")
            && r.err().contains("--class-names"),
        r.err());
  }

  @Test
  void aFifoIsRefusedUpFrontInsteadOfBlocking() throws Exception {
    Path fifo = tmp.resolve("fifo.pth");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mk.waitFor() == 0, "mkfifo is needed for this test");
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          Run official =
              CliSurfaceTest.run(
                  "import-official",
                  "--checkpoint",
                  fifo.toString(),
                  "--out",
                  tmp.resolve("run").toString());
          assertOneErrorLine(official, fifo, "is not a regular file");
          Run tokens =
              CliSurfaceTest.run(
                  "import",
                  "--tokens",
                  fifo.toString(),
                  "--codebook-size",
                  "8",
                  "--out",
                  tmp.resolve("ds").toString());
          assertOneErrorLine(tokens, fifo, "is not a regular file");
        });
  }
}
