package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up during a checkpoint or an export: exit 1, one line naming the path and
 * "No space left on device" (not TensorFlow's out-of-memory hint), and no half-written directory.
 * The full disk is a small tmpfs, which needs root (as CI runs); elsewhere the test is skipped.
 */
class DiskFullTest {
  @TempDir Path tmp;
  Path disk;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    disk = Files.createDirectories(tmp.resolve("disk"));
    Assumptions.assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString()) == 0,
        "mounting a tmpfs needs root");
  }

  @AfterEach
  void unmount() throws Exception {
    run("umount", "-l", disk.toString());
  }

  private static int run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }

  /** Leaves {@code free} bytes on the disk. */
  private void fillTo(long free) throws IOException {
    long available = Files.getFileStore(disk).getUsableSpace();
    Files.write(disk.resolve("filler"), new byte[(int) Math.max(0, available - free)]);
  }

  private List<Path> hidden(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.getFileName().toString().startsWith(".tmp")).toList();
    }
  }

  private static void assertOneLineIoError(RunFaultsTest.Result r, String path) {
    assertEquals(1, r.code(), r.err() + r.out());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith("error: cannot write ") && r.err().contains(path), r.err());
    assertTrue(r.err().contains("No space left on device"), r.err());
    assertFalse(
        r.err().contains("OOM") || r.err().contains("Hint") || r.err().contains("[["), r.err());
  }

  @Test
  void aCheckpointOnAFullDiskIsOneLineAndLeavesNoHalfWrittenDirectory() throws Exception {
    fillTo(48 << 10); // room for config, metrics and events, not for a checkpoint
    Path run = disk.resolve("run");
    RunFaultsTest.Result r = RunFaultsTest.cli(RunFaultsTest.train(run));
    assertOneLineIoError(r, run.resolve("checkpoints").toString());
    assertEquals(List.of(), hidden(run));
    assertFalse(Files.exists(run.resolve("checkpoints/step-000000004")));
  }

  @Test
  void anExportOnAFullDiskWritesNoVersionAtAll() throws Exception {
    fillTo(48 << 10);
    Path out = disk.resolve("serving");
    RunFaultsTest.Result r =
        RunFaultsTest.cli("export", "--run", FinishedRun.RUN.toString(), "--out", out.toString());
    assertOneLineIoError(r, out.toString());
    assertFalse(
        Files.exists(out), "a failed export leaves no --out it made (no temporary, no .lock)");
  }
}
