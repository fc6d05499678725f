package org.sorcen.train.data.importers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;

class IdxReaderTest {
  @TempDir Path tmp;

  /** An IDX file: magic 00 00 type rank, big-endian dims, then the bytes as given. */
  static byte[] idx(int type, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(data).array();
  }

  static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }

  Path write(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes);
  }

  /** 2 images of 2×3: values 0..5 and 250..255 (high values check the unsigned read). */
  static final byte[] PIXELS = {
    0, 1, 2, 3, 4, 5, (byte) 250, (byte) 251, (byte) 252, (byte) 253, (byte) 254, (byte) 255
  };

  Path images() throws IOException {
    return write("images-idx3-ubyte", idx(8, new int[] {2, 2, 3}, PIXELS));
  }

  @Test
  void plainFilesReadBackExactly() throws IOException {
    Path labels = write("labels-idx1-ubyte", idx(8, new int[] {2}, new byte[] {7, 2}));
    ImageSet set = IdxReader.read(images(), labels, null);
    assertEquals(2, set.count());
    assertEquals(2, set.height());
    assertEquals(3, set.width());
    assertEquals(1, set.channels());
    assertArrayEquals(PIXELS, set.pixels());
    assertEquals(255, set.pixels()[11] & 0xFF);
    assertArrayEquals(new long[] {7, 2}, set.labels());
    assertEquals(List.of(), set.classNames());
  }

  @Test
  void gzippedFilesAreRecognisedByContentNotName() throws IOException {
    // Names without ".gz" on purpose: only the 1f 8b magic says it is gzipped.
    Path images = write("images.bin", gzip(idx(8, new int[] {2, 2, 3}, PIXELS)));
    Path labels = write("labels.bin", gzip(idx(8, new int[] {2}, new byte[] {(byte) 200, 0})));
    ImageSet set = IdxReader.read(images, labels, null);
    assertArrayEquals(PIXELS, set.pixels());
    assertArrayEquals(new long[] {200, 0}, set.labels());
  }

  @Test
  void aPlainFileNamedGzIsReadAsPlain() throws IOException {
    Path images = write("images-idx3-ubyte.gz", idx(8, new int[] {2, 2, 3}, PIXELS));
    assertArrayEquals(PIXELS, IdxReader.read(images, null, null).pixels());
  }

  @Test
  void withoutLabelFileLabelsAreMinusOneAndClassNamesKept() throws IOException {
    ImageSet set = IdxReader.read(images(), null, List.of("a", "b"));
    assertArrayEquals(new long[] {-1, -1}, set.labels());
    assertEquals(List.of("a", "b"), set.classNames());
  }

  @Test
  void labelsWithinTheClassListAreAccepted() throws IOException {
    Path labels = write("labels", idx(8, new int[] {2}, new byte[] {1, 0}));
    ImageSet set = IdxReader.read(images(), labels, List.of("a", "b"));
    assertArrayEquals(new long[] {1, 0}, set.labels());
  }

  @Test
  void badMagicSaysWhatWasFoundAndExpected() throws IOException {
    byte[] bytes = idx(8, new int[] {2, 2, 3}, PIXELS);
    bytes[0] = 0x12;
    bytes[1] = 0x34;
    Path file = write("notidx", bytes);
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(file, null, null));
    assertTrue(e.getMessage().contains("notidx"), e.getMessage());
    assertTrue(
        e.getMessage().contains("0x12340803") && e.getMessage().contains("expected 0x00000803"),
        e.getMessage());
  }

  @Test
  void labelsAndImagesSwappedIsABadMagic() throws IOException {
    Path labels = write("labels-idx1-ubyte", idx(8, new int[] {2}, new byte[] {1, 0}));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(labels, null, null));
    assertTrue(e.getMessage().contains("labels-idx1-ubyte"), e.getMessage());
    assertTrue(
        e.getMessage().contains("0x00000801") && e.getMessage().contains("expected 0x00000803"),
        e.getMessage());
    DataException e2 =
        assertThrows(DataException.class, () -> IdxReader.read(images(), images(), null));
    assertTrue(
        e2.getMessage().contains("0x00000803") && e2.getMessage().contains("expected 0x00000801"),
        e2.getMessage());
  }

  @Test
  void unsupportedDtypeCodeIsNamed() throws IOException {
    Path file = write("floats", idx(0x0D, new int[] {1, 1, 1}, new byte[4]));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(file, null, null));
    assertTrue(e.getMessage().contains("floats"), e.getMessage());
    assertTrue(
        e.getMessage().contains("dtype code 0x0D") && e.getMessage().contains("float32"),
        e.getMessage());
  }

  @Test
  void truncatedDataSaysBytesExpectedAtWhichOffsetAndPresent() throws IOException {
    byte[] whole = idx(8, new int[] {2, 2, 3}, PIXELS);
    Path file = write("cut", Arrays.copyOf(whole, whole.length - 5));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(file, null, null));
    assertTrue(e.getMessage().contains("cut"), e.getMessage());
    assertTrue(
        e.getMessage().contains("expected 12 bytes")
            && e.getMessage().contains("at offset 16")
            && e.getMessage().contains("there are 7"),
        e.getMessage());
  }

  @Test
  void truncatedGzippedDataReportsOffsetsAfterGunzip() throws IOException {
    byte[] whole = idx(8, new int[] {2, 2, 3}, PIXELS);
    Path file = write("cut.gz", gzip(Arrays.copyOf(whole, 18)));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(file, null, null));
    assertTrue(
        e.getMessage().contains("cut.gz (offsets after gunzip)")
            && e.getMessage().contains("expected 12")
            && e.getMessage().contains("offset 16")
            && e.getMessage().contains("there are 2"),
        e.getMessage());
  }

  @Test
  void truncatedHeaderIsReported() throws IOException {
    Path file = write("short", Arrays.copyOf(idx(8, new int[] {2, 2, 3}, PIXELS), 10));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(file, null, null));
    assertTrue(
        e.getMessage().contains("short")
            && e.getMessage().contains("expected 16 bytes of header at offset 0")
            && e.getMessage().contains("there are 10"),
        e.getMessage());
  }

  @Test
  void extraBytesAfterTheDataAreRefused() throws IOException {
    Path file = write("long", idx(8, new int[] {2, 2, 3}, Arrays.copyOf(PIXELS, 13)));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(file, null, null));
    assertTrue(
        e.getMessage().contains("long")
            && e.getMessage().contains("13 bytes")
            && e.getMessage().contains("need 12"),
        e.getMessage());
  }

  @Test
  void labelCountMustEqualImageCount() throws IOException {
    Path labels = write("three-labels", idx(8, new int[] {3}, new byte[] {0, 1, 2}));
    DataException e =
        assertThrows(DataException.class, () -> IdxReader.read(images(), labels, null));
    assertTrue(
        e.getMessage().contains("three-labels")
            && e.getMessage().contains("3 labels")
            && e.getMessage().contains("2 images"),
        e.getMessage());
  }

  @Test
  void labelOutsideTheClassListNamesRecordAndValue() throws IOException {
    Path labels = write("bad-labels", idx(8, new int[] {2}, new byte[] {1, 5}));
    DataException e =
        assertThrows(
            DataException.class, () -> IdxReader.read(images(), labels, List.of("a", "b", "c")));
    assertTrue(
        e.getMessage().contains("bad-labels")
            && e.getMessage().contains("label 5 of record 1")
            && e.getMessage().contains("offset 9")
            && e.getMessage().contains("3 class names"),
        e.getMessage());
  }

  @Test
  void corruptGzipStreamIsNamed() throws IOException {
    byte[] gz = gzip(idx(8, new int[] {2, 2, 3}, PIXELS));
    for (int i = 10; i < gz.length - 8; i++) {
      gz[i] = (byte) 0xFF; // wreck the deflate data, keep the gzip header
    }
    Path file = write("wrecked.gz", gz);
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(file, null, null));
    assertTrue(
        e.getMessage().contains("wrecked.gz") && e.getMessage().contains("corrupt gzip"),
        e.getMessage());
  }

  @Test
  void gzipStreamCutShortIsNamed() throws IOException {
    byte[] gz = gzip(idx(8, new int[] {2, 2, 3}, PIXELS));
    Path file = write("cut-stream.gz", Arrays.copyOf(gz, gz.length - 10));
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(file, null, null));
    assertTrue(
        e.getMessage().contains("cut-stream.gz") && e.getMessage().contains("corrupt gzip"),
        e.getMessage());
  }

  @Test
  void missingFileIsNamed() {
    Path file = tmp.resolve("nothere");
    DataException e = assertThrows(DataException.class, () -> IdxReader.read(file, null, null));
    assertTrue(
        e.getMessage().contains("nothere") && e.getMessage().contains("does not exist"),
        e.getMessage());
  }
}
