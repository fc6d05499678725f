package org.sorcen.train.data.importers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;

/** Fashion-MNIST (Zalando): its class names and its four IDX files as Debian installs them. */
public final class FashionMnist {
  /** Label i names class i, in the order of the data set's documentation. */
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** Where the Debian package {@code dataset-fashion-mnist} puts the files. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The 60000-image training split and the 10000-image test split, by their file prefix. */
  public enum Split {
    TRAIN("train"),
    TEST("t10k");

    private final String prefix;

    Split(String prefix) {
      this.prefix = prefix;
    }
  }

  private FashionMnist() {}

  /** {@link #read(Path, Split)} from {@link #DEBIAN_DIR}. */
  public static ImageSet read(Split split) {
    return read(DEBIAN_DIR, split);
  }

  /** One split from {@code dir}, which holds e.g. t10k-images-idx3-ubyte.gz (or the gunzipped file). */
  public static ImageSet read(Path dir, Split split) {
    Path images = find(dir, split.prefix + "-images-idx3-ubyte");
    Path labels = find(dir, split.prefix + "-labels-idx1-ubyte");
    return IdxReader.read(images, labels, CLASS_NAMES);
  }

  private static Path find(Path dir, String name) {
    for (Path p : List.of(dir.resolve(name + ".gz"), dir.resolve(name))) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new DataException(
        "Fashion-MNIST: "
            + dir
            + " has no "
            + name
            + ".gz (nor "
            + name
            + "): install it"
            + " with `apt-get install dataset-fashion-mnist` (files in "
            + DEBIAN_DIR
            + ") or pass the folder that"
            + " holds the four IDX files");
  }
}
