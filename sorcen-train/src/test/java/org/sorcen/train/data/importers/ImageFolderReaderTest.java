package org.sorcen.train.data.importers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;

class ImageFolderReaderTest {
  @TempDir Path tmp;

  /** An RGB image of width rgb.length, height 1, written as PNG or JPEG by the file's extension. */
  static Path rgb(Path file, int... rgb) throws IOException {
    BufferedImage image = new BufferedImage(rgb.length, 1, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < rgb.length; x++) {
      image.setRGB(x, 0, rgb[x]);
    }
    return save(image, file);
  }

  static Path save(BufferedImage image, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    String name = file.getFileName().toString().toLowerCase();
    assertTrue(ImageIO.write(image, name.endsWith(".png") ? "png" : "jpeg", file.toFile()));
    return file;
  }

  static DataException assertMentions(DataException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
    }
    return e;
  }

  @Test
  void classFoldersGiveSortedNamesLabelsAndExactRgb() throws IOException {
    // Written out of order: the result must follow sorted names, not creation order.
    rgb(tmp.resolve("dog/c.png"), 0x010203, 0xFFFEFD);
    rgb(tmp.resolve("cat/b.PNG"), 0x102030, 0x405060);
    rgb(tmp.resolve("cat/a.png"), 0xFF0000, 0x00FF00);
    Files.writeString(tmp.resolve("cat/notes.txt"), "not an image");
    rgb(tmp.resolve(".ipynb_checkpoints/x.png"), 0, 0);
    ImageSet set = ImageFolderReader.read(tmp, 3);
    assertEquals(List.of("cat", "dog"), set.classNames());
    assertArrayEquals(new long[] {0, 0, 1}, set.labels());
    assertEquals(3, set.count());
    assertEquals(1, set.height());
    assertEquals(2, set.width());
    assertEquals(3, set.channels());
    int[] expected = {
      255, 0, 0, 0, 255, 0, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 1, 2, 3, 255, 254, 253
    };
    assertArrayEquals(expected, unsigned(set.pixels()));
  }

  @Test
  void grayscaleOfAKnownRgbPngUsesRoundedLuma() throws IOException {
    rgb(tmp.resolve("x.png"), 0xFF0000, 0x00FF00, 0x0000FF, 0x0A141E, 0xFFFFFF, 0x8040C8);
    ImageSet set = ImageFolderReader.read(tmp, 1);
    // 0.299 R + 0.587 G + 0.114 B: 76.245, 149.685, 29.07, 18.15, 255, 98.64 rounded.
    assertArrayEquals(new int[] {76, 150, 29, 18, 255, 99}, unsigned(set.pixels()));
    assertEquals(1, set.channels());
  }

  @Test
  void grayPngsKeepTheirStoredValues() throws IOException {
    BufferedImage gray = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 128, 255});
    save(gray, tmp.resolve("g.png"));
    assertArrayEquals(new int[] {0, 128, 255}, unsigned(ImageFolderReader.read(tmp, 1).pixels()));
    assertArrayEquals(
        new int[] {0, 0, 0, 128, 128, 128, 255, 255, 255},
        unsigned(ImageFolderReader.read(tmp, 3).pixels()));
  }

  @Test
  void sixteenBitGrayIsScaledTo8Bits() throws IOException {
    BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    gray.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {40000, 65535});
    save(gray, tmp.resolve("g16.png"));
    // 40000 * 255 / 65535 = 155.6
    assertArrayEquals(new int[] {156, 255}, unsigned(ImageFolderReader.read(tmp, 1).pixels()));
  }

  @Test
  void jpegWithUpperCaseExtensionIsRead() throws IOException {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        image.setRGB(x, y, 0x4080C0);
      }
    }
    save(image, tmp.resolve("photo.JPG"));
    save(image, tmp.resolve("photo2.jpeg"));
    ImageSet set = ImageFolderReader.read(tmp, 3);
    assertEquals(2, set.count());
    assertEquals(8, set.height());
    int[] px = unsigned(set.pixels());
    // JPEG is lossy: a flat colour comes back within a few levels.
    for (int i = 0; i < px.length; i += 3) {
      assertTrue(
          Math.abs(px[i] - 0x40) <= 3
              && Math.abs(px[i + 1] - 0x80) <= 3
              && Math.abs(px[i + 2] - 0xC0) <= 3,
          Arrays.toString(Arrays.copyOfRange(px, i, i + 3)));
    }
  }

  @Test
  void flatFolderHasNoClassesAndMinusOneLabels() throws IOException {
    rgb(tmp.resolve("b.png"), 0x000000);
    rgb(tmp.resolve("a.png"), 0xFFFFFF);
    ImageSet set = ImageFolderReader.read(tmp, 1);
    assertEquals(List.of(), set.classNames());
    assertArrayEquals(new long[] {-1, -1}, set.labels());
    assertArrayEquals(new int[] {255, 0}, unsigned(set.pixels()));
  }

  @Test
  void firstSizeMismatchNamesTheFileItsSizeAndTheExpectedOne() throws IOException {
    rgb(tmp.resolve("a/1.png"), 0, 0);
    rgb(tmp.resolve("a/2.png"), 0, 0, 0);
    rgb(tmp.resolve("b/3.png"), 0);
    DataException e = assertThrows(DataException.class, () -> ImageFolderReader.read(tmp, 3));
    assertMentions(e, "2.png is 3x1", "1.png is 2x1", "same size");
  }

  @Test
  void anUndecodableImageIsNamed() throws IOException {
    rgb(tmp.resolve("a.png"), 0);
    Files.writeString(tmp.resolve("b.png"), "this is not a png");
    assertMentions(
        assertThrows(DataException.class, () -> ImageFolderReader.read(tmp, 1)),
        "b.png",
        "not a readable PNG/JPEG");
  }

  @Test
  void aCorruptPngIsNamed() throws IOException {
    Path whole = rgb(tmp.resolve("src/whole.png"), new int[64]);
    byte[] bytes = Files.readAllBytes(whole);
    Files.createDirectories(tmp.resolve("in"));
    // Keep the PNG signature and header, wreck the rest.
    byte[] wrecked = Arrays.copyOf(bytes, bytes.length);
    Arrays.fill(wrecked, 33, wrecked.length, (byte) 0x5A);
    Files.write(tmp.resolve("in/wrecked.png"), wrecked);
    assertMentions(
        assertThrows(DataException.class, () -> ImageFolderReader.read(tmp.resolve("in"), 1)),
        "wrecked.png",
        "corrupt");
  }

  @Test
  void emptyClassFoldersAndMixedLayoutsAreRefused() throws IOException {
    rgb(tmp.resolve("mixed/a/x.png"), 0);
    rgb(tmp.resolve("mixed/loose.png"), 0);
    assertMentions(
        assertThrows(DataException.class, () -> ImageFolderReader.read(tmp.resolve("mixed"), 1)),
        "loose.png",
        "sub-folders");
    rgb(tmp.resolve("classes/a/x.png"), 0);
    Files.createDirectories(tmp.resolve("classes/b"));
    assertMentions(
        assertThrows(DataException.class, () -> ImageFolderReader.read(tmp.resolve("classes"), 1)),
        "classes/b",
        "no PNG/JPEG");
    assertMentions(
        assertThrows(DataException.class, () -> ImageFolderReader.read(tmp.resolve("none"), 1)),
        "none",
        "not a folder");
    assertThrows(
        IllegalArgumentException.class, () -> ImageFolderReader.read(tmp.resolve("classes"), 2));
  }

  static int[] unsigned(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] & 0xFF;
    }
    return out;
  }
}
