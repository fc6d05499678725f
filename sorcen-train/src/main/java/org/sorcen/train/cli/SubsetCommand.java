package org.sorcen.train.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.ImageSources;
import org.sorcen.train.data.importers.IdxWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "subset", description = "Write the first N training and M test images of an IDX directory as a "
    + "new IDX directory (how the embedded Fashion-MNIST slice is made).")
final class SubsetCommand implements Callable<Integer> {
  @Option(names = "--images", required = true, description = "IDX directory.")
  Path images;

  @Option(names = "--class-names", split = ",", description = "Class names, or 'fashion-mnist'; written to "
      + "classes.txt.")
  List<String> classNames;

  @Option(names = "--train", required = true, description = "Training images to keep.")
  int train;

  @Option(names = "--test", defaultValue = "0", description = "Test images to keep.")
  int test;

  @Option(names = "--out", required = true, description = "Directory to write.")
  Path out;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Flags.requireAtLeast(spec, "--train", train, 1);
    Flags.requireAtLeast(spec, "--test", test, 0);
    Map<String, ImageSet> splits = ImageSources.read(images, classNames, 1);
    ImageSet tr = splits.get("train");
    if (train > tr.count() || (test > 0 && (!splits.containsKey("test") || test > splits.get("test").count()))) {
      throw new DataException("asked for " + train + " train and " + test + " test images; " + images + " has "
          + tr.count() + " and " + (splits.containsKey("test") ? splits.get("test").count() : 0));
    }
    IdxWriter.write(ImageSources.slice(tr, 0, train), out.resolve("train-images-idx3-ubyte.gz"),
        out.resolve("train-labels-idx1-ubyte.gz"));
    if (test > 0) {
      IdxWriter.write(ImageSources.slice(splits.get("test"), 0, test), out.resolve("t10k-images-idx3-ubyte.gz"),
          out.resolve("t10k-labels-idx1-ubyte.gz"));
    }
    Files.write(out.resolve(ImageSources.CLASSES_FILE), tr.classNames());
    System.out.printf("wrote %s: %d train, %d test images%n", out, train, test);
    return 0;
  }
}
