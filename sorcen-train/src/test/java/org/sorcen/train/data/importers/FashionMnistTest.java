package org.sorcen.train.data.importers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;

class FashionMnistTest {
  @Test
  void tenClassNamesInTheDocumentedOrder() {
    assertEquals(10, FashionMnist.CLASS_NAMES.size());
    assertEquals("T-shirt/top", FashionMnist.CLASS_NAMES.get(0));
    assertEquals("Sneaker", FashionMnist.CLASS_NAMES.get(7));
    assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(9));
  }

  @Test
  void theInstalledTestSplitHas1000ImagesOfEachClass() {
    Assumptions.assumeTrue(
        Files.isDirectory(FashionMnist.DEBIAN_DIR), "dataset-fashion-mnist is not installed");
    ImageSet set = FashionMnist.read(FashionMnist.Split.TEST);
    assertEquals(10000, set.count());
    assertEquals(28, set.height());
    assertEquals(28, set.width());
    assertEquals(1, set.channels());
    assertEquals(FashionMnist.CLASS_NAMES, set.classNames());
    int[] perClass = new int[10];
    for (long label : set.labels()) {
      perClass[(int) label]++;
    }
    for (int c = 0; c < 10; c++) {
      assertEquals(1000, perClass[c], "class " + c);
    }
  }

  @Test
  void absentFilesSayWhichPackageToInstall(@TempDir Path tmp) {
    DataException e =
        assertThrows(DataException.class, () -> FashionMnist.read(tmp, FashionMnist.Split.TRAIN));
    assertTrue(
        e.getMessage().contains("train-images-idx3-ubyte.gz")
            && e.getMessage().contains("apt-get install dataset-fashion-mnist"),
        e.getMessage());
  }
}
