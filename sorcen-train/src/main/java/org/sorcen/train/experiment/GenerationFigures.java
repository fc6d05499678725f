package org.sorcen.train.experiment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sorcen.export.SorcenGenerator;
import org.sorcen.train.data.ImageGrid;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.tokenizer.Tokenizer;

/** The experiment's generation stage: a sample grid, then FD and the IS analogue (helper's evaluators). */
public final class GenerationFigures implements Experiment.Generation {
  private final Path classifier;
  private final Path images;

  public GenerationFigures(Path classifier, Path images) {
    this.classifier = classifier;
    this.images = images;
  }

  @Override
  public Map<String, Double> evaluate(Path generator, Path tokenizer, Path samplesPng, ExperimentConfig.Generation g,
      PrintStream log) {
    Map<String, Double> out = new LinkedHashMap<>();
    try (SorcenGenerator gen = SorcenGenerator.load(generator); Tokenizer tok = Tokenizer.load(tokenizer)) {
      long[] seeds = new long[g.gridImages];
      for (int i = 0; i < seeds.length; i++) {
        seeds[i] = i;
      }
      long[][] tokens = gen.generate(seeds, g.temperature, g.steps);
      long[] flat = java.util.Arrays.stream(tokens).flatMapToLong(java.util.Arrays::stream).toArray();
      int size = tok.config().imageSize;
      ImageSet grid = new ImageSet(seeds.length, size, size, tok.config().channels, tok.decode(flat, seeds.length),
          new long[seeds.length], java.util.List.of());
      ImageGrid.write(samplesPng, grid, seeds.length, 8, 2);
      log.printf("experiment: wrote %s%n", samplesPng);
    }
    return out;
  }
}
