package org.sorcen.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.graph.config.ModelConfig;
import org.sorcen.train.session.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.op.Ops;

class TokenDatasetTest {
  static final int GRID = 4;
  static final int L = GRID * GRID;
  static final int C = 32;

  static TokenArrays rows(int n) {
    long[] ids = new long[n * L];
    long[] labels = new long[n];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < L; i++) {
        ids[r * L + i] = (r * 5L + i * 3L) % C;
      }
      labels[r] = r % 3;
    }
    return new TokenArrays(n, L, ids, labels, List.of("a", "b", "c"));
  }

  static Path write(Path dir, TokenArrays rows) {
    Path out = dir.resolve("ds");
    TokenDatasetWriter.write(
        out,
        GRID,
        C,
        List.of("a", "b", "c"),
        null,
        List.of(new TokenDatasetWriter.SplitRows("train", rows)),
        false);
    return out;
  }

  /** Batches of one epoch through the in-graph pipeline, rows flattened: [ids..., label] each. */
  static List<long[]> epoch(
      TokenDataset ds, int batch, long shuffle, long seed, long epoch, long skip) {
    List<long[]> out = new ArrayList<>();
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      TokenPipeline p = TokenPipeline.build(Ops.create(g), ds.shards("train"), L, batch, shuffle);
      p.start(s, seed, epoch, skip);
      while (true) {
        try (Result r = s.runner().fetch(p.tokens()).fetch(p.labels()).run()) {
          long[] ids = Tensors.toLongs(r.get(0));
          long[] labels = Tensors.toLongs(r.get(1));
          for (int b = 0; b < batch; b++) {
            long[] row = Arrays.copyOf(Arrays.copyOfRange(ids, b * L, (b + 1) * L), L + 1);
            row[L] = labels[b];
            out.add(row);
          }
        } catch (TFOutOfRangeException end) {
          return out;
        }
      }
    }
  }

  @Test
  void recordsWrittenInJavaComeBackIdenticallyThroughTheGraph(@TempDir Path tmp) {
    TokenArrays rows = rows(37);
    TokenDataset ds = TokenDataset.open(write(tmp, rows));
    assertEquals(37, ds.verify("train"));
    List<long[]> got = epoch(ds, 4, 0, 0, 0, 0);
    assertEquals(36, got.size(), "drop_remainder: 9 full batches of 4");
    for (int r = 0; r < 36; r++) {
      assertArrayEquals(
          Arrays.copyOfRange(rows.ids(), r * L, (r + 1) * L), Arrays.copyOf(got.get(r), L));
      assertEquals(rows.labels()[r], got.get(r)[L]);
    }
    TokenArrays back = ds.readAll("train");
    assertArrayEquals(rows.ids(), back.ids());
    assertArrayEquals(rows.labels(), back.labels());
  }

  @Test
  void shuffleIsAPermutationFixedBySeedAndEpochAndSkipResumesIt(@TempDir Path tmp) {
    TokenDataset ds = TokenDataset.open(write(tmp, rows(40)));
    List<long[]> a = epoch(ds, 4, 1000, 7, 0, 0);
    List<long[]> again = epoch(ds, 4, 1000, 7, 0, 0);
    List<long[]> nextEpoch = epoch(ds, 4, 1000, 7, 1, 0);
    List<long[]> resumed = epoch(ds, 4, 1000, 7, 0, 3);
    assertEquals(40, a.size());
    assertTrue(same(a, again));
    assertFalse(same(a, nextEpoch));
    assertTrue(
        same(a.subList(12, 40), resumed), "skipping 3 batches gives the rest of the same epoch");
    List<String> sortedA = a.stream().map(Arrays::toString).sorted().toList();
    List<String> sortedNext = nextEpoch.stream().map(Arrays::toString).sorted().toList();
    assertEquals(sortedA, sortedNext, "every epoch holds every record once");
    assertNotEquals(
        a.stream().map(Arrays::toString).toList(), sortedA, "shuffled, not in file order");
  }

  @Test
  void aShardWrittenByHandFromTheFormatIsReadByTheGraphAndTheVerifier(@TempDir Path tmp)
      throws Exception {
    Path ds = tmp.resolve("hand");
    Files.createDirectories(ds);
    ByteArrayOutputStream shard = new ByteArrayOutputStream();
    long[][] grids = new long[3][L];
    for (int r = 0; r < 3; r++) {
      for (int i = 0; i < L; i++) {
        grids[r][i] = (r * 11L + i * 7L) % C;
      }
      shard.writeBytes(HandFramed.frame(HandFramed.example(grids[r], r == 2 ? -1 : r)));
    }
    Files.write(ds.resolve("train-00000-of-00001.tfrecord"), shard.toByteArray());
    Files.writeString(
        ds.resolve(DatasetManifest.FILE),
        """
        {"format": "sorcen-token-dataset", "version": 1, "codebook_size": 32, "grid": 4, "num_classes": 2,
         "class_names": ["x", "y"], "tokenizer_fingerprint": null,
         "splits": {"train": {"records": 3, "shards": ["train-00000-of-00001.tfrecord"]}}}
        """);
    TokenDataset opened = TokenDataset.open(ds);
    assertEquals(3, opened.verify("train"));
    List<long[]> got = epoch(opened, 3, 0, 0, 0, 0);
    for (int r = 0; r < 3; r++) {
      assertArrayEquals(grids[r], Arrays.copyOf(got.get(r), L));
      assertEquals(r == 2 ? -1 : r, got.get(r)[L]);
    }
  }

  @Test
  void badIdsAreRefusedBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
    TokenArrays rows = rows(5);
    rows.ids()[2 * L + 7] = C;
    DataException e = assertThrows(DataException.class, () -> write(tmp, rows));
    assertTrue(
        e.getMessage().contains("row 2, position 7") && e.getMessage().contains("outside [0, 32)"),
        e.getMessage());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(0, left.count(), "no directory and no temporary left behind");
    }
  }

  @Test
  void damagedOrInconsistentShardsAreNamedByFileAndRecord(@TempDir Path tmp) throws Exception {
    Path dir = write(tmp, rows(6));
    Path shard = dir.resolve("train-00000-of-00001.tfrecord");
    byte[] good = Files.readAllBytes(shard);

    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    Files.write(shard, flipped);
    DataException crc =
        assertThrows(DataException.class, () -> TokenDataset.open(dir).verify("train"));
    assertTrue(
        crc.getMessage().contains(shard.toString()) && crc.getMessage().contains("record 3"),
        crc.getMessage());

    Files.write(shard, Arrays.copyOf(good, good.length - 5));
    DataException cut =
        assertThrows(DataException.class, () -> TokenDataset.open(dir).verify("train"));
    assertTrue(
        cut.getMessage().contains("record 5") && cut.getMessage().contains("file ends"),
        cut.getMessage());

    ByteArrayOutputStream wrongLength = new ByteArrayOutputStream();
    wrongLength.writeBytes(HandFramed.frame(HandFramed.example(new long[L - 1], 0)));
    Files.write(shard, wrongLength.toByteArray());
    DataException len =
        assertThrows(DataException.class, () -> TokenDataset.open(dir).verify("train"));
    assertTrue(
        len.getMessage().contains("record 0") && len.getMessage().contains("15 tokens"),
        len.getMessage());

    ByteArrayOutputStream outside = new ByteArrayOutputStream();
    long[] ids = new long[L];
    ids[4] = 99;
    outside.writeBytes(HandFramed.frame(HandFramed.example(ids, 0)));
    Files.write(shard, outside.toByteArray());
    DataException range =
        assertThrows(DataException.class, () -> TokenDataset.open(dir).verify("train"));
    assertTrue(range.getMessage().contains("token 4 is 99"), range.getMessage());

    Files.delete(shard);
    DataException missing = assertThrows(DataException.class, () -> TokenDataset.open(dir));
    assertTrue(
        missing.getMessage().contains("train-00000-of-00001.tfrecord")
            && missing.getMessage().contains("missing"),
        missing.getMessage());
  }

  @Test
  void aModelWhoseGridOrCodebookDiffersIsRefused(@TempDir Path tmp) {
    TokenDataset ds = TokenDataset.open(write(tmp, rows(4)));
    ModelConfig m = new ModelConfig();
    m.grid = 8;
    m.codebookSize = 32;
    DataException e = assertThrows(DataException.class, () -> ds.checkCompatible(m, "tiny"));
    assertTrue(
        e.getMessage().contains("model.grid is 8 but the dataset's grid is 4"), e.getMessage());
    m.grid = 4;
    m.codebookSize = 512;
    e = assertThrows(DataException.class, () -> ds.checkCompatible(m, "tiny"));
    assertTrue(
        e.getMessage().contains("model.codebook_size is 512 but the dataset's is 32"),
        e.getMessage());
    m.codebookSize = 32;
    ds.checkCompatible(m, "tiny");
  }

  @Test
  void anExistingDatasetIsNotOverwrittenUnlessAsked(@TempDir Path tmp) {
    write(tmp, rows(3));
    DataException e = assertThrows(DataException.class, () -> write(tmp, rows(3)));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
  }

  private static boolean same(List<long[]> a, List<long[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
