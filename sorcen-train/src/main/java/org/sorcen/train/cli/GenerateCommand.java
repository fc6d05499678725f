package org.sorcen.train.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sorcen.export.SorcenGenerator;
import org.sorcen.graph.model.IterativeDecoder;
import org.sorcen.train.data.ImageGrid;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.ProjectPaths;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.eval.GeneratedImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "generate",
    description =
        "Generate images with an exported generator and its tokenizer (seeds "
            + "seed..seed+n-1, the same images on any machine) and write them as one PNG grid.")
final class GenerateCommand implements Callable<Integer> {
  /** Each pixel drawn as a 2×2 block, so 32×32 images stay legible. */
  static final int SCALE = 2;

  @Option(
      names = "--generator",
      required = true,
      description = "Exported generator SavedModel (sorcen-generator).")
  Path generator;

  @Option(
      names = "--tokenizer",
      required = true,
      description =
          "Tokenizer SavedModel the generator's tokens "
              + "belong to, e.g. savedmodels/tokenizer-fashion-mnist/1.")
  Path tokenizer;

  @Option(
      names = "--n",
      defaultValue = "64",
      description = "Images to generate (default ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--out",
      required = true,
      description = "PNG file to write (replaced atomically).")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "First seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--temperature",
      defaultValue = "" + IterativeDecoder.DEFAULT_TEMPERATURE,
      description = "Sampling temperature (default ${DEFAULT-VALUE}).")
  float temperature;

  @Option(
      names = "--steps",
      defaultValue = "" + IterativeDecoder.DEFAULT_STEPS,
      description = "Iterative decoding steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--columns",
      defaultValue = "8",
      description = "Images per row (default ${DEFAULT-VALUE}).")
  int columns;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Flags.requireAtLeast(spec, "--n", count, 1);
    Flags.requireNonNegative(spec, "--temperature", temperature);
    Flags.requireInRange(spec, "--steps", steps, 1, SorcenGenerator.MAX_STEPS);
    Flags.requireAtLeast(spec, "--columns", columns, 1);
    ImageSet images;
    try (SorcenGenerator gen = SorcenGenerator.load(ProjectPaths.resolve(generator));
        Tokenizer tok = Tokenizer.load(ProjectPaths.resolve(tokenizer))) {
      images = GeneratedImages.sample(gen, tok, count, seed, temperature, steps, System.err);
    }
    ImageGrid.write(
        out, images, count, columns, SCALE); // atomically: a reader never sees half a PNG
    System.out.printf(
        "wrote %s: %d images, seeds %d..%d, temperature %.2f, %d steps%n",
        out, count, seed, seed + count - 1, temperature, steps);
    return 0;
  }
}
