package org.sorcen.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.data.ClassSelection;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.ImageSources;
import org.sorcen.train.data.importers.ImageFolderReader;
import org.sorcen.train.embed.LabelledImageFolder;
import picocli.CommandLine;

/** `./sorcen subset --classes`: the transfer split of the embedded slice, as IDX and as an image folder. */
class SubsetCommandTest {
  static final Path SLICE = Path.of("..", "data", "fashion-mnist-slice", "images");

  @Test
  void classesParseAsLabelsAndRanges() {
    assertEquals(List.of(0, 1, 2, 3, 4), ClassSelection.parse("0-4").labels());
    assertEquals(List.of(0, 2, 5, 6), ClassSelection.parse("5-6, 2,0").labels());
    for (String bad : List.of("", "a", "4-2", "-1", "1,,2")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ClassSelection.parse(bad));
      assertTrue(e.getMessage().contains("e.g. 0-4"), e.getMessage());
    }
  }

  @Test
  void idxOfSomeClassesKeepsEveryImageOfThemAndTheirLabels(@TempDir Path tmp) {
    Map<String, ImageSet> all = ImageSources.read(SLICE, null, 1);
    Path out = tmp.resolve("pretrain");
    assertEquals(
        0,
        SorcenCli.commandLine()
            .execute(
                "subset",
                "--images",
                SLICE.toString(),
                "--classes",
                "0-4",
                "--test",
                "all",
                "--out",
                out.toString()));
    Map<String, ImageSet> kept = ImageSources.read(out, null, 1);
    for (String split : List.of("train", "test")) {
      long expected = Arrays.stream(all.get(split).labels()).filter(l -> l <= 4).count();
      assertEquals(expected, kept.get(split).count(), split);
      assertTrue(Arrays.stream(kept.get(split).labels()).allMatch(l -> l <= 4), split);
    }
    assertEquals(all.get("train").classNames(), kept.get("train").classNames());
  }

  @Test
  void anImageFolderOfTheOtherClassesIsWhatEvalReads(@TempDir Path tmp) {
    Map<String, ImageSet> all = ImageSources.read(SLICE, null, 1);
    Path out = tmp.resolve("probe");
    assertEquals(
        0,
        SorcenCli.commandLine()
            .execute(
                "subset",
                "--images",
                SLICE.toString(),
                "--classes",
                "5-9",
                "--test",
                "all",
                "--format",
                "image-folder",
                "--out",
                out.toString()));
    LabelledImageFolder folder = LabelledImageFolder.open(out);
    assertEquals(
        List.of("5-Sandal", "6-Shirt", "7-Sneaker", "8-Bag", "9-Ankle boot"),
        folder.train().classNames());
    long sandals = Arrays.stream(all.get("train").labels()).filter(l -> l == 5).count();
    assertEquals(sandals, Arrays.stream(folder.train().labels()).filter(l -> l == 0).count());
    // The PNGs hold the IDX pixels exactly: the first sandal of the slice is the first image of
    // 5-Sandal.
    ImageSet read = ImageFolderReader.read(out.resolve("train"), 1);
    ImageSet src = all.get("train");
    int first = 0;
    while (src.labels()[first] != 5) {
      first++;
    }
    assertEquals(
        Arrays.toString(Arrays.copyOfRange(src.pixels(), first * 784, first * 784 + 784)),
        Arrays.toString(Arrays.copyOfRange(read.pixels(), 0, 784)));

    CommandLine cli = SorcenCli.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertEquals(
        SorcenCli.USAGE_ERROR,
        cli.execute(
            "subset",
            "--images",
            SLICE.toString(),
            "--classes",
            "5-9",
            "--format",
            "image-folder",
            "--out",
            out.toString()));
    assertTrue(err.toString().contains(out + " exists"), err.toString());
  }
}
