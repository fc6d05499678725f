package org.sorcen.export.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.exceptions.TFResourceExhaustedException;

/** Files and directories appear whole or not at all; failures are one line naming the path. */
class AtomicFilesTest {
  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("metrics.json");
    AtomicFiles.writeString(f, "old");
    IoFailure e =
        assertThrows(
            IoFailure.class,
            () ->
                AtomicFiles.write(
                    f,
                    out -> {
                      out.write("half".getBytes());
                      throw new IOException("No space left on device");
                    }));
    assertEquals("cannot write " + f + ": No space left on device", e.getMessage());
    assertEquals("old", Files.readString(f));
    assertEquals(List.of("metrics.json"), names(dir));
  }

  @Test
  void aDirectoryIsReplacedOnlyWhenTheNewOneIsComplete(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("model");
    AtomicFiles.writeDirectory(target, false, d -> Files.writeString(d.resolve("a"), "1"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            AtomicFiles.writeDirectory(target, false, d -> Files.writeString(d.resolve("a"), "2")));
    assertThrows(
        IoFailure.class,
        () ->
            AtomicFiles.writeDirectory(
                target,
                true,
                d -> {
                  Files.writeString(d.resolve("a"), "2");
                  throw new IOException("disk gone");
                }));
    assertEquals(
        "1", Files.readString(target.resolve("a")), "a failed replacement keeps the old directory");
    AtomicFiles.writeDirectory(target, true, d -> Files.writeString(d.resolve("b"), "3"));
    assertEquals(List.of("b"), names(target));
    assertEquals(List.of("model"), names(dir), "no temporary or old copy is left");
  }

  @Test
  void tensorFlowsFullDiskMessageLosesItsOutOfMemoryHint() {
    String tf =
        "runs/x/.tmp-step-4/ckpt_temp/part-00000-of-00001.data-00000-of-00001.tempstate1; No space left "
            + "on device\n\t [[{{node save/SaveV2}}]]\nHint: If you want to see a list of allocated tensors when OOM "
            + "happens, add report_tensor_allocations_upon_oom to RunOptions for current allocation info.";
    IoFailure e =
        IoFailure.of(
            "write checkpoint",
            Path.of("runs/x/checkpoints/step-000000004"),
            new TFResourceExhaustedException(tf));
    assertEquals(
        "cannot write checkpoint runs/x/checkpoints/step-000000004: No space left on device",
        e.getMessage());
  }

  @Test
  void aLockIsExclusiveNamesItsHolderAndIsReleasedOnClose(@TempDir Path dir) {
    try (DirectoryLock held = DirectoryLock.acquire(dir, "sorcen train")) {
      DirectoryLock.Held e =
          assertThrows(DirectoryLock.Held.class, () -> DirectoryLock.acquire(dir, "other"));
      assertTrue(
          e.getMessage()
              .contains(
                  "is in use by pid " + ProcessHandle.current().pid() + ", sorcen train, since "),
          e.getMessage());
    }
    try (DirectoryLock again = DirectoryLock.acquire(dir, "other")) {
      assertFalse(again == null);
    }
  }
}
