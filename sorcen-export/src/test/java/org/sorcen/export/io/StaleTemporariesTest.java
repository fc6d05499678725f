package org.sorcen.export.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The twins of killed writers are swept by the next writer; a live writer's, and others' files, are kept. */
class StaleTemporariesTest {
  static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  @Test
  void deadTwinsGoAnOldTwinWithoutItsNameComesBackLiveOnesStay(@TempDir Path dir) throws Exception {
    long dead = deadPid();
    long live = ProcessHandle.current().parent().orElseThrow().pid();
    Files.createDirectories(dir.resolve(".step-000000004.tmp-" + dead).resolve("sub"));
    Files.writeString(dir.resolve(".step-000000008.old-" + dead), "the only copy");
    Files.writeString(dir.resolve(".step-000000012.tmp-" + live), "being written");
    Files.writeString(dir.resolve(".notes.txt.swp"), "someone else's");
    StaleTemporaries.sweepAll(dir);
    assertFalse(Files.exists(dir.resolve(".step-000000004.tmp-" + dead)));
    assertEquals("the only copy", Files.readString(dir.resolve("step-000000008")));
    assertTrue(Files.exists(dir.resolve(".step-000000012.tmp-" + live)));
    assertTrue(Files.exists(dir.resolve(".notes.txt.swp")));

    Files.createDirectories(dir.resolve(".run.tmp-" + dead));
    Files.createDirectories(dir.resolve(".other.tmp-" + dead));
    AtomicFiles.writeDirectory(
        dir.resolve("run"), false, tmp -> Files.writeString(tmp.resolve("a"), "a"));
    assertEquals(
        List.of(".other.tmp-" + dead, "run"),
        Files.list(dir)
            .map(p -> p.getFileName().toString())
            .filter(n -> n.contains("run") || n.contains("other"))
            .sorted()
            .toList(),
        "writing run sweeps run's twins only");
  }
}
