package org.sorcen.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.cli.CliSurfaceTest.Run;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.data.importers.TorchTokensReader;

/**
 * {@code ./sorcen import} of the official MAGE/LEASE token files ({@code torch.save} of a dict with
 * {@code tokens_vqgan} and {@code labels}), written by tools/official-fixtures/make_token_fixtures.py
 * with id(r, i) = (7r + 3i) mod C and label(r) = r mod 3.
 */
class ImportPtTest {
  static final Path DIR = Path.of(System.getProperty("sorcen.fixtures", "../data/reference"));

  static long[] ids(int rows, int length, int c) {
    long[] ids = new long[rows * length];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < length; i++) {
        ids[r * length + i] = (7L * r + 3L * i) % c;
      }
    }
    return ids;
  }

  static long[] labels(int from, int to) {
    long[] l = new long[to - from];
    for (int r = from; r < to; r++) {
      l[r - from] = r % 3;
    }
    return l;
  }

  static String fixture(String name) {
    return DIR.resolve(name).toString();
  }

  @Test
  void importsTheTinyFileWithAHeldOutSplit(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("ds");
    Run r =
        CliSurfaceTest.run(
            "import",
            "--tokens",
            fixture("official-tokens-tiny.pt"),
            "--codebook-size",
            "32",
            "--held-out",
            "4",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    TokenDataset ds = TokenDataset.open(out);
    assertEquals(4, ds.manifest().grid);
    assertEquals(32, ds.manifest().codebookSize);
    assertEquals(3, ds.manifest().numClasses);
    long[] all = ids(12, 16, 32);
    TokenArrays train = ds.readAll("train");
    TokenArrays test = ds.readAll("test");
    assertArrayEquals(Arrays.copyOf(all, 8 * 16), train.ids());
    assertArrayEquals(labels(0, 8), train.labels());
    assertArrayEquals(Arrays.copyOfRange(all, 8 * 16, 12 * 16), test.ids());
    assertArrayEquals(labels(8, 12), test.labels());
  }

  @Test
  void importsTheOfficialShape16x16(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("ds");
    Run r =
        CliSurfaceTest.run(
            "import",
            "--tokens",
            fixture("official-tokens-tiny-256.pt"),
            "--codebook-size",
            "1024",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    TokenDataset ds = TokenDataset.open(out);
    assertEquals(16, ds.manifest().grid);
    TokenArrays train = ds.readAll("train");
    assertArrayEquals(ids(3, 256, 1024), train.ids());
    assertArrayEquals(labels(0, 3), train.labels());
  }

  @Test
  void ignoresTokensDinoAndSaysSoAndReadsATestPt(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("ds");
    Run r =
        CliSurfaceTest.run(
            "import",
            "--tokens",
            fixture("official-tokens-tiny.pt"),
            "--test-tokens",
            fixture("official-tokens-tiny-dino.pt"),
            "--codebook-size",
            "32",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    TokenDataset ds = TokenDataset.open(out);
    TokenArrays test = ds.readAll("test");
    assertArrayEquals(ids(4, 16, 32), test.ids());
    assertArrayEquals(labels(0, 4), test.labels());
    assertEquals(12, ds.readAll("train").count());
    // The note goes to System.out, which the in-process runner does not capture: check the reader.
    assertEquals(
        List.of("tokens_dino"),
        TorchTokensReader.read(Path.of(fixture("official-tokens-tiny-dino.pt"))).ignored());
  }

  @Test
  void readsInt32AndInt16Tokens(@TempDir Path tmp) throws Exception {
    for (String f : List.of("official-tokens-tiny-int32.pt", "official-tokens-tiny-int16.pt")) {
      Path out = tmp.resolve(f + ".ds");
      Run r =
          CliSurfaceTest.run(
              "import", "--tokens", fixture(f), "--codebook-size", "32", "--out", out.toString());
      assertEquals(0, r.code(), f + ": " + r.err());
      TokenArrays train = TokenDataset.open(out).readAll("train");
      assertArrayEquals(ids(5, 16, 32), train.ids(), f);
      assertArrayEquals(labels(0, 5), train.labels(), f);
    }
  }

  /** Exit 2, a single error line containing every fragment, and no dataset. */
  static void refused(Path out, List<String> fragments, String... args) {
    Run r = CliSurfaceTest.run(args);
    assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err());
    assertEquals(1, r.errLines().size(), r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), "'" + f + "' not in: " + r.err());
    }
    assertFalse(Files.exists(out));
  }

  @Test
  void refusals(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("ds");
    String o = out.toString();
    refused(
        out,
        List.of("no 'tokens_vqgan'", "tokens, labels"),
        "import",
        "--tokens",
        fixture("official-tokens-bad-no-vqgan.pt"),
        "--codebook-size",
        "32",
        "--out",
        o);
    refused(
        out,
        List.of("tokens_vqgan has shape [32]", "rank 1"),
        "import",
        "--tokens",
        fixture("official-tokens-bad-rank.pt"),
        "--codebook-size",
        "32",
        "--out",
        o);
    refused(
        out,
        List.of("labels has shape [2]", "3 rows"),
        "import",
        "--tokens",
        fixture("official-tokens-bad-labels.pt"),
        "--codebook-size",
        "32",
        "--out",
        o);
    refused(
        out,
        List.of("'tokens_vqgan' is float32", "integer dtype"),
        "import",
        "--tokens",
        fixture("official-tokens-bad-float.pt"),
        "--codebook-size",
        "32",
        "--out",
        o);
    // Ids at or above the codebook size: the writer's check, as for .npy.
    refused(
        out,
        List.of(),
        "import",
        "--tokens",
        fixture("official-tokens-tiny.pt"),
        "--codebook-size",
        "16",
        "--out",
        o);
    // The labels come from the .pt: --labels / --test-labels are refused with one.
    refused(
        out,
        List.of("--labels cannot be given with the .pt file"),
        "import",
        "--tokens",
        fixture("official-tokens-tiny.pt"),
        "--labels",
        fixture("official-tokens-tiny.pt"),
        "--codebook-size",
        "32",
        "--out",
        o);
    refused(
        out,
        List.of("--test-labels cannot be given with the .pt file"),
        "import",
        "--tokens",
        fixture("official-tokens-tiny.pt"),
        "--test-tokens",
        fixture("official-tokens-tiny-dino.pt"),
        "--test-labels",
        fixture("official-tokens-tiny.pt"),
        "--codebook-size",
        "32",
        "--out",
        o);
    // A .pt that is not a zip (e.g. torch's legacy format).
    Path legacy = tmp.resolve("legacy.pt");
    Files.write(legacy, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 0x0a});
    refused(
        out,
        List.of("not a torch.save zip archive"),
        "import",
        "--tokens",
        legacy.toString(),
        "--codebook-size",
        "32",
        "--out",
        o);
  }
}
