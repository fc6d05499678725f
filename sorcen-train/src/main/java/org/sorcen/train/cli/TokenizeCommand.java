package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sorcen.train.tokenizer.DatasetTokenizing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "tokenize",
    description =
        "Encode images into a token dataset with a trained tokenizer (offline, "
            + "once: training then reads ids only).")
final class TokenizeCommand implements Callable<Integer> {
  @Option(names = "--tokenizer", required = true, description = "Tokenizer SavedModel directory.")
  Path tokenizer;

  @Option(
      names = "--images",
      required = true,
      description =
          "An IDX directory (train-*/t10k-* files) or a folder "
              + "with one sub-folder of PNG/JPEG per class.")
  Path images;

  @Option(
      names = "--class-names",
      split = ",",
      description =
          "Class names, or 'fashion-mnist'. Default: "
              + "classes.txt in an IDX directory, sub-folder names in an image folder, else 0..K-1.")
  List<String> classNames;

  @Option(
      names = "--held-out",
      defaultValue = "0",
      description = "When the source has no test split, move the " + "last N images into 'test'.")
  int heldOut;

  @Option(names = "--out", required = true, description = "Dataset directory to create.")
  Path out;

  @Option(names = "--overwrite", description = "Replace --out if it exists.")
  boolean overwrite;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Flags.requireAtLeast(spec, "--held-out", heldOut, 0);
    DatasetTokenizing.run(
        new DatasetTokenizing.Request(tokenizer, images, classNames, heldOut, out, overwrite),
        System.err);
    return 0;
  }
}
