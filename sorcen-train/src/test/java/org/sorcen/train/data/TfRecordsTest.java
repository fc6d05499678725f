package org.sorcen.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfRecordsTest {
  /** Published CRC32C check values (RFC 3720 appendix B.4 and the iSCSI test vectors). */
  @Test
  void crc32cMatchesKnownTestVectors() {
    byte[] zeros = new byte[32];
    byte[] ones = new byte[32];
    byte[] ascending = new byte[32];
    byte[] descending = new byte[32];
    for (int i = 0; i < 32; i++) {
      ones[i] = (byte) 0xFF;
      ascending[i] = (byte) i;
      descending[i] = (byte) (31 - i);
    }
    byte[] digits = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xE3069283, TfRecords.crc32c(digits, 0, digits.length));
    assertEquals(0x8A9136AA, TfRecords.crc32c(zeros, 0, 32));
    assertEquals(0x62A8AB43, TfRecords.crc32c(ones, 0, 32));
    assertEquals(0x46DD794E, TfRecords.crc32c(ascending, 0, 32));
    assertEquals(0x113FDB5C, TfRecords.crc32c(descending, 0, 32));
    // The test's own bitwise implementation agrees, so it can frame records independently below.
    assertEquals(0xE3069283, Crc32cReference.crc(digits));
    assertEquals(0x113FDB5C, Crc32cReference.crc(descending));
  }

  @Test
  void framingIsByteForByteTheFormatsDefinition() throws Exception {
    byte[] payload = "sorcen".getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TfRecords.write(out, payload);
    assertArrayEquals(HandFramed.frame(payload), out.toByteArray());
  }

  @Test
  void readerReturnsRecordsAndDetectsDamage(@TempDir Path dir) throws Exception {
    byte[] a = {1, 2, 3};
    byte[] b = new byte[100];
    Path file = dir.resolve("x.tfrecord");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(HandFramed.frame(a));
    out.write(HandFramed.frame(b));
    Files.write(file, out.toByteArray());
    try (TfRecordReader r = new TfRecordReader(file)) {
      assertArrayEquals(a, r.next());
      assertArrayEquals(b, r.next());
      assertNull(r.next());
    }

    byte[] bytes = out.toByteArray();
    bytes[bytes.length - 10] ^= 0x40; // inside record 1's data
    Files.write(file, bytes);
    DataException bad = assertThrows(DataException.class, () -> readAll(file));
    assertTrue(
        bad.getMessage().contains("x.tfrecord")
            && bad.getMessage().contains("record 1")
            && bad.getMessage().contains("byte offset 19")
            && bad.getMessage().contains("data CRC"),
        bad.getMessage());

    Files.write(file, Arrays.copyOf(out.toByteArray(), out.size() - 30));
    DataException cut = assertThrows(DataException.class, () -> readAll(file));
    assertTrue(
        cut.getMessage().contains("record 1")
            && cut.getMessage().contains("file ends inside the record"),
        cut.getMessage());

    bytes = out.toByteArray();
    bytes[2] ^= 1; // record 0's length
    Files.write(file, bytes);
    DataException len = assertThrows(DataException.class, () -> readAll(file));
    assertTrue(
        len.getMessage().contains("record 0") && len.getMessage().contains("length CRC"),
        len.getMessage());
  }

  private static void readAll(Path file) {
    try (TfRecordReader r = new TfRecordReader(file)) {
      while (r.next() != null) {
        // read to the end
      }
    }
  }
}
