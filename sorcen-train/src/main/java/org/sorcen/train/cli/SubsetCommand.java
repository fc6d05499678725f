package org.sorcen.train.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sorcen.train.data.ClassSelection;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.ImageSources;
import org.sorcen.train.data.importers.IdxWriter;
import org.sorcen.train.data.importers.ImageFolderWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "subset",
    description =
        "Write the first N training and M test images of an IDX directory, "
            + "optionally of some classes only, as a new IDX directory (how the embedded Fashion-MNIST slice is made) or "
            + "as an image folder (train/CLASS/*.png, test/CLASS/*.png) for eval --image-folder.")
final class SubsetCommand implements Callable<Integer> {
  @Option(names = "--images", required = true, description = "IDX directory.")
  Path images;

  @Option(
      names = "--class-names",
      split = ",",
      description = "Class names, or 'fashion-mnist'; written to " + "classes.txt.")
  List<String> classNames;

  @Option(
      names = "--classes",
      description = "Keep only these labels, e.g. 0-4 or 0,2,5-9 (default: all).")
  String classes;

  @Option(
      names = "--train",
      defaultValue = "all",
      description = "Training images to keep, or all (default).")
  String train;

  @Option(
      names = "--test",
      defaultValue = "0",
      description = "Test images to keep, or all (default 0).")
  String test;

  @Option(
      names = "--format",
      defaultValue = "idx",
      description =
          "idx (default) or image-folder "
              + "(OUT/train/<label>-<class>/*.png and OUT/test/...; OUT must not exist).")
  String format;

  @Option(names = "--out", required = true, description = "Directory to write.")
  Path out;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!format.equals("idx") && !format.equals("image-folder")) {
      throw new IllegalArgumentException("--format must be idx or image-folder, got " + format);
    }
    int trainCount = count("--train", train, 1);
    int testCount = count("--test", test, 0);
    ClassSelection keep = classes != null ? ClassSelection.parse(classes) : null;
    Map<String, ImageSet> splits = ImageSources.read(images, classNames, 1);
    Map<String, ImageSet> chosen = new LinkedHashMap<>();
    chosen.put("train", first(splits.get("train"), keep, trainCount));
    if (testCount != 0) {
      if (!splits.containsKey("test")) {
        throw new DataException("asked for test images; " + images + " has no t10k (test) files");
      }
      chosen.put("test", first(splits.get("test"), keep, testCount));
    }
    if (format.equals("image-folder")) {
      ImageFolderWriter.write(chosen, out);
    } else {
      for (Map.Entry<String, ImageSet> e : chosen.entrySet()) {
        String prefix = e.getKey().equals("train") ? "train" : "t10k";
        IdxWriter.write(
            e.getValue(),
            out.resolve(prefix + "-images-idx3-ubyte.gz"),
            out.resolve(prefix + "-labels-idx1-ubyte.gz"));
      }
      Files.write(out.resolve(ImageSources.CLASSES_FILE), chosen.get("train").classNames());
    }
    System.out.printf(
        "wrote %s: %d train, %d test images%s%n",
        out,
        chosen.get("train").count(),
        chosen.containsKey("test") ? chosen.get("test").count() : 0,
        keep != null ? " of classes " + keep : "");
    return 0;
  }

  /** The first {@code n} images of the selected classes (n = −1: all of them); fewer there is a usage error. */
  private ImageSet first(ImageSet s, ClassSelection keep, int n) {
    ImageSet kept = keep != null ? keep.keep(s) : s;
    if (n > kept.count() || kept.count() == 0) {
      throw new DataException(
          "asked for "
              + (n < 0 ? "all" : n)
              + " images"
              + (keep != null ? " of classes " + keep : "")
              + "; "
              + images
              + " has "
              + kept.count()
              + " in that split");
    }
    return n < 0 ? kept : ImageSources.slice(kept, 0, n);
  }

  /** {@code all} is −1; a number below {@code min} is a usage error. */
  private int count(String option, String value, int min) {
    if (value.equals("all")) {
      return -1;
    }
    try {
      int n = Integer.parseInt(value);
      Flags.requireAtLeast(spec, option, n, min);
      return n;
    } catch (NumberFormatException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), option + " must be a number or all, got " + value);
    }
  }
}
