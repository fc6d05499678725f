package org.sorcen.train.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.ModelExport;
import org.sorcen.export.SorcenEncoder;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;

/** SorcenEncoder as a service uses it: many calls, many threads. */
class EncoderServiceTest {
  @TempDir static Path tmp;
  static Path encoder;

  @BeforeAll
  static void export() {
    JobConfig config = JobConfig.parse(ExportTest.CONFIG, "t", Map.of());
    Path prefix = tmp.resolve("ckpt");
    try (TrainingSession s = TrainingSession.create(config, false, 4, SessionSettings.defaults())) {
      s.save(prefix);
    }
    encoder = ModelExport.encoder(config, prefix, tmp.resolve("sm"), null);
  }

  @Test
  void residentMemoryStopsGrowingOverTenThousandCalls() throws Exception {
    try (SorcenEncoder enc = SorcenEncoder.load(encoder)) {
      // 64 rows: 8 kB of ids in and 4 kB of embeddings out per call, so a leaked tensor per call
      // would add ~48 MB over the last 4000 calls.
      long[][] batch = ExportTest.grids(64, 1);
      long[] rss = new long[5];
      for (int w = 0; w < 5; w++) {
        for (int i = 0; i < 2_000; i++) {
          enc.embed(batch);
        }
        rss[w] = residentKb();
      }
      // The first calls grow the heap and JIT caches; from call 6000 on, memory must be flat up to
      // allocator and GC noise (a 6.5 MB step was seen once in CI, after two flat readings): a
      // third of the 48 MB a leaked tensor per call would add.
      assertTrue(
          rss[4] - rss[2] < 16_000,
          "RSS (kB) after 2000, 4000, ..., 10000 calls: " + Arrays.toString(rss));
    }
  }

  @Test
  void eightThreadsGetTheSameAnswersAsSerialCalls() throws Exception {
    try (SorcenEncoder enc = SorcenEncoder.load(encoder)) {
      List<long[][]> inputs = new ArrayList<>();
      List<float[][]> serial = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        inputs.add(ExportTest.grids(1 + i % 5, i));
        serial.add(enc.embed(inputs.get(i)));
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int offset = t;
          results.add(
              pool.submit(
                  () -> {
                    for (int round = 0; round < 20; round++) {
                      int i = (offset * 7 + round) % inputs.size();
                      float[][] got = enc.embed(inputs.get(i));
                      for (int r = 0; r < got.length; r++) {
                        assertArrayEquals(serial.get(i)[r], got[r], "input " + i + " row " + r);
                      }
                    }
                    return true;
                  }));
        }
        for (Future<Boolean> f : results) {
          assertTrue(f.get());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** VmRSS of this process from /proc, in kB, after a GC so that freed native buffers are returned. */
  static long residentKb() throws Exception {
    System.gc();
    Thread.sleep(200);
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
