package org.sorcen.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.run.Snapshot;

class ImportCommandTest {
  /** A .npy v1.0 file of little-endian int64 with the given shape. */
  static byte[] npy(long[] values, int... shape) {
    String dict =
        "{'descr': '<i8', 'fortran_order': False, 'shape': ("
            + String.join(", ", Arrays.stream(shape).mapToObj(Integer::toString).toList())
            + (shape.length == 1 ? "," : "")
            + "), }";
    int unpadded = 10 + dict.length() + 1;
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.writeBytes(new byte[] {(byte) header.length(), (byte) (header.length() >> 8)});
    out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      data.putLong(v);
    }
    out.writeBytes(data.array());
    return out.toByteArray();
  }

  @Test
  void importsAGridArrayWithLabelsAndAHeldOutSplit(@TempDir Path tmp) throws Exception {
    long[] ids = new long[10 * 4];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i % 7;
    }
    long[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
    Files.write(tmp.resolve("t.npy"), npy(ids, 10, 2, 2));
    Files.write(tmp.resolve("l.npy"), npy(labels, 10));
    Path out = tmp.resolve("ds");
    int code =
        SorcenCli.commandLine()
            .execute(
                "import",
                "--tokens",
                tmp.resolve("t.npy").toString(),
                "--labels",
                tmp.resolve("l.npy").toString(),
                "--codebook-size",
                "8",
                "--held-out",
                "3",
                "--out",
                out.toString());
    assertEquals(0, code);
    TokenDataset ds = TokenDataset.open(out);
    assertEquals(2, ds.manifest().grid);
    assertEquals(3, ds.manifest().numClasses);
    TokenArrays train = ds.readAll("train");
    TokenArrays test = ds.readAll("test");
    assertArrayEquals(Arrays.copyOf(ids, 28), train.ids());
    assertArrayEquals(Arrays.copyOfRange(labels, 7, 10), test.labels());
  }

  @Test
  void idsOutsideTheCodebookAreRefusedAndNothingIsWritten(@TempDir Path tmp) throws Exception {
    long[] ids = {0, 1, 2, 9};
    Files.write(tmp.resolve("t.npy"), npy(ids, 1, 4));
    Path out = tmp.resolve("ds");
    int code =
        SorcenCli.commandLine()
            .execute(
                "import",
                "--tokens",
                tmp.resolve("t.npy").toString(),
                "--codebook-size",
                "8",
                "--out",
                out.toString());
    assertEquals(2, code);
    assertFalse(Files.exists(out));
  }

  @Test
  void tokenArraysWithoutColumnsAreRefusedAndNothingIsWritten(@TempDir Path tmp) throws Exception {
    Files.write(tmp.resolve("t.npy"), npy(new long[0], 3, 0));
    var before = Snapshot.of(tmp);
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = SorcenCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    int code =
        cli.execute(
            "import",
            "--tokens",
            tmp.resolve("t.npy").toString(),
            "--codebook-size",
            "8",
            "--out",
            tmp.resolve("ds").toString());
    assertEquals(2, code, err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    Assertions.assertTrue(
        err.toString().startsWith("error: ") && err.toString().contains("no token ids (0 columns)"),
        err.toString());
    assertEquals(before, Snapshot.of(tmp));
  }
}
