package org.sorcen.train.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One sidecar line per row whatever the file names hold, and skipped image names are named. */
class SidecarNamesTest {
  @Test
  void namesAreEscapedToOneLineAndKeepTheirRawBytes() {
    assertEquals("a\\nb.png", SidecarNames.escape("a\nb.png".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        "back\\\\slash\\tand\\rcr.png",
        SidecarNames.escape("back\\slash\tand\rcr.png".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        "bell\\x07 del\\x7f.png",
        SidecarNames.escape("bell\u0007 del\u007f.png".getBytes(StandardCharsets.UTF_8)));
    assertEquals("é 猫 😀.png", SidecarNames.escape("é 猫 😀.png".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        "ls\\xe2\\x80\\xa8.png",
        SidecarNames.escape("ls\u2028.png".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        "latin1 \\xe9t\\xe9.png",
        SidecarNames.escape(
            new byte[] {
              'l', 'a', 't', 'i', 'n', '1', ' ', (byte) 0xe9, 't', (byte) 0xe9, '.', 'p', 'n', 'g'
            }));
  }

  @Test
  void realFilesWithNewlinesAndNonUtf8BytesListOneLineEachAndLinksToNothingAreNamed(
      @TempDir Path tmp) throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images"));
    Files.write(images.resolve("two\nlines.png"), new byte[] {1});
    Files.write(images.resolve("plain.png"), new byte[] {1});
    // A name that is not UTF-8 (Latin-1 "é"), made by the shell so that Java's name encoding is
    // bypassed.
    Process p =
        new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'caf\\351.png')\"")
            .directory(images.toFile())
            .start();
    assertEquals(0, p.waitFor());
    Files.createSymbolicLink(images.resolve("dangling.png"), images.resolve("nowhere.png"));
    Files.createSymbolicLink(images.resolve("loop-a.png"), images.resolve("loop-b.png"));
    Files.createSymbolicLink(images.resolve("loop-b.png"), images.resolve("loop-a.png"));
    List<String> skipped = new ArrayList<>();
    List<Path> files = FolderEmbedding.listImages(images, skipped::add);
    List<String> lines =
        files.stream().map(f -> FolderEmbedding.relative(images, f)).sorted().toList();
    assertEquals(List.of("caf\\xe9.png", "plain.png", "two\\nlines.png"), lines);
    assertEquals(
        List.of(
            "skipped dangling.png: a link to no readable file (dangling or looping)",
            "skipped loop-a.png: a link to no readable file (dangling or looping)",
            "skipped loop-b.png: a link to no readable file (dangling or looping)"),
        skipped);
  }
}
