package org.sorcen.train.experiment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.sorcen.export.SorcenGenerator;
import org.sorcen.train.data.ImageGrid;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.eval.EvalConfig;
import org.sorcen.train.eval.EvalInputs;
import org.sorcen.train.eval.Evaluator;
import org.sorcen.train.eval.EvaluatorRegistry;
import org.sorcen.train.eval.GeneratedImages;
import org.sorcen.train.eval.GenerationConfig;
import org.sorcen.train.eval.GenerationInputs;

/**
 * The experiment's generation stage for one method: a sample grid of the first seeds, then every
 * generation evaluator of the registry (FD and the IS analogue of {@code samples} generated images
 * against the real test split, with the tokenizer floor beside them).
 */
public final class GenerationFigures implements Experiment.Generation {
  /** Columns of the sample grid PNG and its pixel scale. */
  static final int GRID_COLUMNS = 8;

  static final int GRID_SCALE = 2;
  private static final EvaluatorRegistry EVALUATORS = EvaluatorRegistry.standard();

  private final Path classifier;
  private final Path images;

  public GenerationFigures(Path classifier, Path images) {
    this.classifier = classifier;
    this.images = images;
  }

  @Override
  public Map<String, Double> evaluate(
      Path generator,
      Path tokenizer,
      Path samplesPng,
      ExperimentConfig.Generation g,
      PrintStream log) {
    try (SorcenGenerator gen = SorcenGenerator.load(generator);
        Tokenizer tok = Tokenizer.load(tokenizer)) {
      ImageGrid.write(
          samplesPng,
          GeneratedImages.sample(gen, tok, g.gridImages, 0, g.temperature, g.steps, log),
          g.gridImages,
          GRID_COLUMNS,
          GRID_SCALE);
      log.printf("experiment: wrote %s%n", samplesPng);
      EvalConfig cfg = new EvalConfig();
      cfg.evaluators =
          EVALUATORS.taking(Evaluator.Input.GENERATION).stream().map(Evaluator::name).toList();
      GenerationConfig s = cfg.generation;
      s.reference = images.toString();
      s.classifier = classifier.toString();
      s.samples = g.samples;
      s.temperature = g.temperature;
      s.steps = g.steps;
      // The experiment's paths are resolved already.
      return EVALUATORS.run(
          cfg, EvalInputs.generation(new GenerationInputs(gen::generate, tok, p -> p), log), log);
    }
  }
}
