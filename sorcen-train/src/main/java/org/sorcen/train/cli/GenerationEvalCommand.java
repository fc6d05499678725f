package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sorcen.export.SorcenGenerator;
import org.sorcen.train.eval.FdEvaluation;
import org.sorcen.train.eval.FeatureClassifier;
import org.sorcen.train.eval.GeneratedImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Not registered on its own: it is meant to sit under an {@code eval} parent command. */
@Command(name = "fd", description = "Evaluate a generator: Fréchet distance (FD) and Inception-score analogue of "
    + "N generated images against real images, next to the tokenizer floor (the same figures for the tokenizer's "
    + "reconstructions of the real images). " + FdEvaluation.WHAT + ".")
public final class FdCommand implements Callable<Integer> {
  @Option(names = "--generator", required = true, description = "Exported generator SavedModel (sorcen-generator).")
  Path generator;

  @Option(names = "--tokenizer", required = true, description = "Tokenizer SavedModel the generator's tokens "
      + "belong to, e.g. savedmodels/tokenizer-fashion-mnist/1.")
  Path tokenizer;

  @Option(names = "--reference", required = true, description = "Directory with the IDX files of the real images, "
      + "e.g. /usr/share/datasets/fashion-mnist.")
  Path reference;

  @Option(names = "--split", defaultValue = FdEvaluation.DEFAULT_SPLIT, description = "Real split to compare with: t10k or train "
      + "(default ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--classifier", description = "Feature classifier SavedModel (default: the committed "
      + "savedmodels/classifier-fashion-mnist/1).")
  Path classifier;

  @Option(names = "--n", defaultValue = "" + FdEvaluation.DEFAULT_COUNT, description = "Images to generate (default ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--seed", defaultValue = "0", description = "First seed; images use seeds seed..seed+n-1 "
      + "(default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--temperature", defaultValue = "" + GeneratedImages.DEFAULT_TEMPERATURE, description = "Sampling temperature (default "
      + "${DEFAULT-VALUE}).")
  float temperature;

  @Option(names = "--steps", defaultValue = "" + GeneratedImages.DEFAULT_STEPS, description = "Iterative decoding steps (default "
      + "${DEFAULT-VALUE}).")
  int steps;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Flags.requireAtLeast(spec, "--n", count, 2);
    Flags.requireNonNegative(spec, "--temperature", temperature);
    Flags.requireInRange(spec, "--steps", steps, 1, SorcenGenerator.MAX_STEPS);
    Path clf = classifier != null ? classifier : ProjectPaths.resolve(FeatureClassifier.DEFAULT_DIR);
    FdEvaluation.Report report = FdEvaluation.run(new FdEvaluation.Options(generator, tokenizer,
        ProjectPaths.resolve(reference), split, clf, count, seed, temperature, steps), System.err);
    System.out.print(report.format());
    return 0;
  }
}
