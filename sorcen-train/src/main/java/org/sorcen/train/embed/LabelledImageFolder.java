package org.sorcen.train.embed;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.sorcen.export.SorcenImageEncoder;
import org.sorcen.export.io.IoFailure;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.importers.ImageFolderReader;
import org.sorcen.train.eval.FrozenFeatures;
import org.sorcen.train.eval.Representations;

/**
 * A labelled image folder in torchvision's ImageFolder layout, {@code DIR/train/CLASS/*} and
 * {@code DIR/test/CLASS/*} (what the official {@code main_linprobe.py} reads), as frozen features
 * for the representation evaluators: through an image encoder, or as raw pixels. Classes are the
 * sorted sub-folder names of {@code train/}; {@code test/} must have the same ones, so that a label
 * means the same class in both splits.
 */
public record LabelledImageFolder(
    Path dir, ImageFolderReader.Listing train, ImageFolderReader.Listing test) {

  /** Lists {@code dir}'s two splits; a missing folder is an I/O failure naming it, other classes a data error. */
  public static LabelledImageFolder open(Path dir) {
    existing(dir);
    Path trainDir = existing(dir.resolve("train"));
    Path testDir = existing(dir.resolve("test"));
    ImageFolderReader.Listing train = ImageFolderReader.list(trainDir);
    ImageFolderReader.Listing test = ImageFolderReader.list(testDir);
    if (train.classNames().isEmpty()) {
      throw new DataException(
          trainDir
              + " holds images but no class folders: put them in "
              + trainDir
              + "/CLASS/ (one sub-folder per class)");
    }
    if (!train.classNames().equals(test.classNames())) {
      throw new DataException(
          testDir
              + " has classes "
              + test.classNames()
              + " but "
              + trainDir
              + " has "
              + train.classNames()
              + ": give both the same class folders");
    }
    return new LabelledImageFolder(dir, train, test);
  }

  public int numClasses() {
    return train.classNames().size();
  }

  /**
   * Both splits through {@code encoder}'s own evaluation transform (decode, resize, centre crop:
   * images of any size), {@code batch} files per call, with progress on {@code log}.
   */
  public FrozenFeatures encoded(SorcenImageEncoder encoder, int batch, PrintStream log) {
    log.printf(
        "sorcen: embedding %d + %d images of %s%n", train.files().size(), test.files().size(), dir);
    float[][] tr = FolderEmbedding.embed(encoder, train.files(), batch, log);
    float[][] te = FolderEmbedding.embed(encoder, test.files(), batch, log);
    return new FrozenFeatures(tr, train.labels(), te, test.labels(), numClasses());
  }

  /**
   * The raw pixels, scaled to [0, 1]: grey if the first training image is grey, else RGB. Every image
   * must have the same size (there is no transform to make them comparable).
   */
  public FrozenFeatures pixels() {
    int channels = channels(train.files().get(0));
    ImageSet tr = ImageFolderReader.read(train, channels);
    ImageSet te = ImageFolderReader.read(test, channels);
    if (tr.height() != te.height() || tr.width() != te.width()) {
      throw new DataException(
          dir.resolve("test")
              + " holds "
              + te.width()
              + "x"
              + te.height()
              + " images but "
              + dir.resolve("train")
              + " "
              + tr.width()
              + "x"
              + tr.height()
              + ": pixels need one size; resize them first");
    }
    return Representations.pixels(tr, te, numClasses());
  }

  private static int channels(Path file) {
    try {
      BufferedImage image = ImageIO.read(file.toFile());
      return image != null && image.getColorModel().getNumColorComponents() == 1 ? 1 : 3;
    } catch (IOException e) {
      throw IoFailure.of("read", file, e);
    }
  }

  private static Path existing(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new IoFailure(
          "cannot read "
              + folder
              + ": no such folder (an image folder holds train/CLASS/*.png and"
              + " test/CLASS/*.png)",
          null);
    }
    return folder;
  }
}
