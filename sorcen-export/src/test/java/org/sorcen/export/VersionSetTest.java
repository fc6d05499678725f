package org.sorcen.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.export.io.IoFailure;

/** Version sets appear whole or not at all, whatever fails and wherever a writer dies. */
class VersionSetTest {
  static VersionSet.Member model(String name, List<String> calls) {
    return new VersionSet.Member(
        name,
        dir -> {
          calls.add(name);
          Files.writeString(dir.resolve("saved_model.pb"), name);
        });
  }

  static List<String> tree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .filter(p -> !p.equals(".lock"))
          .sorted()
          .toList();
    }
  }

  @Test
  void aSetIsWrittenUnderOneVersionAboveTheHighestOfAnyMember(@TempDir Path root)
      throws IOException {
    Files.createDirectories(root.resolve("b/7"));
    List<String> calls = new ArrayList<>();
    List<Path> dirs = VersionSet.write(root, null, List.of(model("a", calls), model("b", calls)));
    assertEquals(List.of(root.resolve("a/8"), root.resolve("b/8")), dirs);
    assertEquals(List.of("a/8/saved_model.pb", "b/8/saved_model.pb"), tree(root));
  }

  @Test
  void everyTargetIsCheckedBeforeAnythingIsWritten(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("b/3"));
    List<String> calls = new ArrayList<>();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> VersionSet.write(root, 3, List.of(model("a", calls), model("b", calls))));
    assertTrue(e.getMessage().contains(root.resolve("b/3") + " already exist"), e.getMessage());
    assertEquals(List.of(), calls, "no writer ran");
    assertFalse(Files.exists(root.resolve("a/3")));
    for (int bad : new int[] {0, -3}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> VersionSet.write(root, bad, List.of(model("a", calls))));
    }
    assertFalse(Files.exists(root.resolve("a/-3")) || Files.exists(root.resolve("a/0")));
  }

  @Test
  void aFailingMemberLeavesNothingBehind(@TempDir Path root) throws IOException {
    List<String> calls = new ArrayList<>();
    VersionSet.Member full =
        new VersionSet.Member(
            "b",
            dir -> {
              Files.writeString(dir.resolve("part"), "x");
              throw new IOException("No space left on device");
            });
    IoFailure e =
        assertThrows(
            IoFailure.class, () -> VersionSet.write(root, 1, List.of(model("a", calls), full)));
    assertEquals(
        "cannot write " + root.resolve("b/1") + ": No space left on device", e.getMessage());
    assertEquals(List.of(), tree(root), "neither a/1 nor any temporary remains");
  }

  @Test
  void aWriterKilledBeforeTheCommitLeavesTemporariesThatTheNextWriterRemoves(@TempDir Path root)
      throws IOException {
    Files.createDirectories(root.resolve("a/.tmp-5"));
    Files.writeString(root.resolve("a/.tmp-5/saved_model.pb"), "half");
    List<String> calls = new ArrayList<>();
    assertEquals(
        List.of(root.resolve("a/5"), root.resolve("b/5")),
        VersionSet.ensure(root, 5, List.of(model("a", calls), model("b", calls))));
    assertEquals(List.of("a/5/saved_model.pb", "b/5/saved_model.pb"), tree(root));
    assertEquals(
        "a",
        Files.readString(root.resolve("a/5/saved_model.pb")),
        "written anew, not the half file");
  }

  @Test
  void aWriterKilledDuringTheRenamesIsFinishedFromItsJournal(@TempDir Path root)
      throws IOException {
    // State after a kill between the two renames: a/4 in place, b/.tmp-4 complete, the journal
    // there.
    Files.createDirectories(root.resolve("a/4"));
    Files.writeString(root.resolve("a/4/saved_model.pb"), "a");
    Files.createDirectories(root.resolve("b/.tmp-4"));
    Files.writeString(root.resolve("b/.tmp-4/saved_model.pb"), "b");
    Files.writeString(
        root.resolve(".commit-4.json"), "{\"version\": 4, \"models\": [\"a\", \"b\"]}");
    List<String> calls = new ArrayList<>();
    assertEquals(
        List.of(),
        VersionSet.ensure(root, 4, List.of(model("a", calls), model("b", calls))),
        "the journal completes the set; nothing is written again");
    assertEquals(List.of(), calls);
    assertEquals(List.of("a/4/saved_model.pb", "b/4/saved_model.pb"), tree(root));
  }

  @Test
  void ensureWritesOnlyTheMembersThatAreMissing(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("a/2"));
    List<String> calls = new ArrayList<>();
    assertEquals(
        List.of(root.resolve("b/2")),
        VersionSet.ensure(root, 2, List.of(model("a", calls), model("b", calls))));
    assertEquals(List.of("b"), calls);
    assertEquals(
        List.of(), VersionSet.ensure(root, 2, List.of(model("a", calls), model("b", calls))));
  }
}
