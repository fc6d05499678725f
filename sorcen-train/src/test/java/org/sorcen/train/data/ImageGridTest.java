package org.sorcen.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {
  @TempDir Path dir;

  @Test
  void pairsAreDrawnSideBySideAtScale() throws Exception {
    byte[] a = new byte[5 * 7 * 7];
    byte[] b = new byte[5 * 8 * 8];
    a[0] = (byte) 255;
    ImageSet originals = new ImageSet(5, 7, 7, 1, a, new long[5], List.of());
    ImageSet recon = new ImageSet(5, 8, 8, 1, b, new long[5], List.of());
    Path png = dir.resolve("grid.png");
    ImageGrid.writePairs(png, originals, recon, 5, 3, 2);
    BufferedImage img = ImageIO.read(png.toFile());
    // cell: 2 halves of 16 px + 2 gap = 34 wide, 16 high; 3 columns, 2 rows, 2 px gaps around.
    assertEquals(3 * (34 + 2) + 2, img.getWidth());
    assertEquals(2 * (16 + 2) + 2, img.getHeight());
    // The 7×7 original is centred in its 16 px half: offset (16 − 14) / 2 = 1; first pixel white.
    assertEquals(0xFFFFFF, img.getRGB(2 + 1, 2 + 1) & 0xFFFFFF);
  }
}
