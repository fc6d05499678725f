package org.sorcen.train.data.importers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.TokenArrays;

class NpyReaderTest {
  @TempDir Path tmp;

  Path write(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes);
  }

  DataException fails(Path tokens, Path labels) {
    return assertThrows(DataException.class, () -> NpyReader.readTokens(tokens, labels));
  }

  static void assertMentions(DataException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }
  }

  @Test
  void version1NxLReadsBackExactly() throws IOException {
    Path file = write("t.npy", Npy.file("<i8", "(2, 3)", 0, 1, 1L << 40, 5, 8191, 7));
    TokenArrays t = NpyReader.readTokens(file, null);
    assertEquals(2, t.count());
    assertEquals(3, t.seqLen());
    assertArrayEquals(new long[] {0, 1, 1L << 40, 5, 8191, 7}, t.ids());
    assertArrayEquals(new long[] {-1, -1}, t.labels());
    assertEquals(List.of(), t.classNames());
  }

  @Test
  void version2NxGxGIsFlattenedRowMajor() throws IOException {
    long[] values = {10, 11, 12, 13, 20, 21, 22, 23};
    Path file =
        write("g.npy", Npy.file(2, Npy.dict("<i4", false, "(2, 2, 2)"), Npy.encode("<i4", values)));
    TokenArrays t = NpyReader.readTokens(file, null);
    assertEquals(2, t.count());
    assertEquals(4, t.seqLen());
    assertArrayEquals(values, t.ids());
  }

  @Test
  void version3HeaderIsRead() throws IOException {
    Path file =
        write("v3.npy", Npy.file(3, Npy.dict("<i2", false, "(1, 2)"), Npy.encode("<i2", 300, 4)));
    assertArrayEquals(new long[] {300, 4}, NpyReader.readTokens(file, null).ids());
  }

  @ParameterizedTest
  @CsvSource({
    "<i2, 32767",
    "<i4, 2147483647",
    "<i8, 9223372036854775807",
    ">i2, 32767",
    ">i4, 2147483647",
    ">i8, 4611686018427387904",
    "|u1, 255",
    "<u2, 65535",
    ">u2, 65535",
    "<u4, 4294967295",
    "|i1, 127"
  })
  void eachDtypeReadsBackExactly(String descr, long max) throws IOException {
    long[] values = {0, 1, 2, max};
    Path file = write("d.npy", Npy.file(descr, "(2, 2)", values));
    assertArrayEquals(values, NpyReader.readTokens(file, null).ids(), descr);
  }

  @Test
  void labelsFromASeparateNpyOfAnyIntegerDtype() throws IOException {
    Path tokens = write("t.npy", Npy.file("<i8", "(3, 1)", 4, 5, 6));
    Path labels = write("l.npy", Npy.file("|u1", "(3,)", 2, 0, 9));
    TokenArrays t = NpyReader.readTokens(tokens, labels);
    assertArrayEquals(new long[] {2, 0, 9}, t.labels());
    assertArrayEquals(new long[] {4, 5, 6}, t.ids());
  }

  @Test
  void npzStoredAndDeflatedGiveTheSameTokensAndLabels() throws IOException {
    Map<String, byte[]> members = new LinkedHashMap<>();
    members.put("labels", Npy.file("<i4", "(2,)", 1, 0));
    members.put("tokens", Npy.file("<i8", "(2, 2, 2)", 1, 2, 3, 4, 5, 6, 7, 8));
    for (boolean deflated : new boolean[] {false, true}) {
      Path file = write("d" + deflated + ".npz", Npy.npz(members, deflated));
      TokenArrays t = NpyReader.readTokens(file, null);
      assertEquals(2, t.count());
      assertEquals(4, t.seqLen());
      assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8}, t.ids(), "deflated " + deflated);
      assertArrayEquals(new long[] {1, 0}, t.labels(), "deflated " + deflated);
    }
  }

  @Test
  void npzTokensMayBeNamedIdsOrBeTheOnlyMember() throws IOException {
    Path ids =
        write(
            "ids.npz",
            Npy.npz(
                Map.of(
                    "ids", Npy.file("<i4", "(1, 2)", 3, 4), "other", Npy.file("<i4", "(1, 1)", 9)),
                true));
    assertArrayEquals(new long[] {3, 4}, NpyReader.readTokens(ids, null).ids());
    Path only = write("only.npz", Npy.npz(Map.of("arr_0", Npy.file("<i2", "(1, 2)", 5, 6)), false));
    assertArrayEquals(new long[] {5, 6}, NpyReader.readTokens(only, null).ids());
    Path labels = write("labels.npz", Npy.npz(Map.of("y", Npy.file("<i8", "(1,)", 3)), false));
    assertArrayEquals(new long[] {3}, NpyReader.readTokens(only, labels).labels());
  }

  @Test
  void notANpyFileSaysWhatItStartsWith() throws IOException {
    Path file = write("x.npy", "hello, world".getBytes());
    assertMentions(fails(file, null), "x.npy", "not a npy file", "68 65 6c 6c 6f", "\\x93NUMPY");
  }

  @Test
  void unsupportedDtypeIsNamedAndSupportedOnesListed() throws IOException {
    Path file = write("f.npy", Npy.file(1, Npy.dict("<f4", false, "(1, 1)"), new byte[4]));
    assertMentions(
        fails(file, null), "f.npy", "'<f4'", "not supported", "<i2", "<i4", "<i8", "|u1");
  }

  @Test
  void objectArraysAreRefused() throws IOException {
    Path file = write("o.npy", Npy.file(1, Npy.dict("|O", false, "(1, 1)"), new byte[8]));
    assertMentions(fails(file, null), "o.npy", "Python objects", "'|O'");
  }

  @Test
  void fortranOrderIsRefused() throws IOException {
    Path file =
        write(
            "fo.npy", Npy.file(1, Npy.dict("<i8", true, "(2, 2)"), Npy.encode("<i8", 1, 2, 3, 4)));
    assertMentions(fails(file, null), "fo.npy", "Fortran", "C order");
  }

  @Test
  void wrongRankAndNonSquareGridsAreRefused() throws IOException {
    Path flat = write("flat.npy", Npy.file("<i8", "(4,)", 1, 2, 3, 4));
    assertMentions(fails(flat, null), "flat.npy", "(4,)", "rank 1", "N×L or N×G×G");
    Path oblong = write("oblong.npy", Npy.file("<i8", "(1, 2, 3)", 1, 2, 3, 4, 5, 6));
    assertMentions(fails(oblong, null), "oblong.npy", "(1, 2, 3)", "square");
  }

  @Test
  void truncatedDataSaysBytesExpectedAtWhichOffsetAndPresent() throws IOException {
    byte[] whole =
        Npy.file(
            "<i4", "(2, 3)", 1, 2, 3, 4, 5, 6); // this header pads to 128 bytes, then 24 of data
    assertEquals(128 + 24, whole.length);
    Path file = write("cut.npy", Arrays.copyOf(whole, whole.length - 3));
    assertMentions(fails(file, null), "cut.npy", "needs 24 bytes", "at offset 128", "there are 21");
  }

  @Test
  void labelCountMustEqualRowCount() throws IOException {
    Path tokens = write("t.npy", Npy.file("<i8", "(2, 1)", 1, 2));
    Path labels = write("l3.npy", Npy.file("<i8", "(3,)", 0, 1, 2));
    assertMentions(fails(tokens, labels), "l3.npy", "3 labels", "t.npy", "2 rows");
  }

  @Test
  void npzWithoutTokensListsItsMembers() throws IOException {
    Path file =
        write(
            "m.npz",
            Npy.npz(
                Map.of(
                    "a",
                    Npy.file("<i8", "(1, 1)", 1),
                    "b",
                    Npy.file("<i8", "(1, 1)", 2),
                    "labels",
                    Npy.file("<i8", "(1,)", 0)),
                false));
    assertMentions(fails(file, null), "m.npz", "no member named tokens", "a, b, labels");
  }

  @Test
  void negativeIdsNameRowAndColumn() throws IOException {
    Path file = write("neg.npy", Npy.file("<i8", "(2, 2, 2)", 0, 1, 2, 3, 4, 5, -1, 7));
    assertMentions(fails(file, null), "neg.npy", "-1", "row 1, column 2", "grid y 1, x 0");
  }

  @Test
  void labelsGivenTwiceAreRefused() throws IOException {
    Path npz =
        write(
            "both.npz",
            Npy.npz(
                Map.of(
                    "tokens", Npy.file("<i8", "(1, 1)", 1), "labels", Npy.file("<i8", "(1,)", 0)),
                true));
    Path labels = write("l.npy", Npy.file("<i8", "(1,)", 0));
    assertMentions(fails(npz, labels), "both.npz member labels", "l.npy", "only one");
  }

  @Test
  void corruptDeflatedMemberIsNamed() throws IOException {
    long[] many = new long[4096];
    byte[] zip = Npy.npz(Map.of("tokens", Npy.file("<i8", "(64, 64)", many)), true);
    // The deflated data starts after the 30-byte local header and the name "tokens.npy".
    for (int i = 30 + 10 + 4; i < 30 + 10 + 20; i++) {
      zip[i] = (byte) 0xFF;
    }
    Path file = write("bad.npz", zip);
    assertMentions(fails(file, null), "bad.npz member tokens.npy", "corrupt");
  }

  @Test
  void unsupportedVersionIsNamed() throws IOException {
    byte[] bytes = Npy.file("<i8", "(1, 1)", 1);
    bytes[6] = 4;
    Path file = write("v4.npy", bytes);
    assertMentions(fails(file, null), "v4.npy", "version 4.0");
  }
}
