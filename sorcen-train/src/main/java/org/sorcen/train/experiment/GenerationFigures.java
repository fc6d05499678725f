package org.sorcen.train.experiment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sorcen.export.SorcenGenerator;
import org.sorcen.train.data.ImageGrid;
import org.sorcen.train.eval.FdEvaluation;
import org.sorcen.train.eval.GeneratedImages;
import org.sorcen.train.tokenizer.Tokenizer;
import org.sorcen.train.tokenizer.TokenizerImages;

/**
 * The experiment's generation stage for one method: a sample grid of the first seeds, then FD and
 * the IS analogue of {@code samples} generated images against the real test split, with the
 * tokenizer floor beside them (see {@link FdEvaluation}).
 */
public final class GenerationFigures implements Experiment.Generation {
  /** Columns of the sample grid PNG and its pixel scale. */
  static final int GRID_COLUMNS = 8;
  static final int GRID_SCALE = 2;

  private final Path classifier;
  private final Path images;

  public GenerationFigures(Path classifier, Path images) {
    this.classifier = classifier;
    this.images = images;
  }

  @Override
  public Map<String, Double> evaluate(Path generator, Path tokenizer, Path samplesPng, ExperimentConfig.Generation g,
      PrintStream log) {
    try (SorcenGenerator gen = SorcenGenerator.load(generator); Tokenizer tok = Tokenizer.load(tokenizer)) {
      ImageGrid.write(samplesPng, GeneratedImages.sample(gen, tok, g.gridImages, 0, g.temperature, g.steps, log),
          g.gridImages, GRID_COLUMNS, GRID_SCALE);
      log.printf("experiment: wrote %s%n", samplesPng);
    }
    FdEvaluation.Report r = FdEvaluation.run(new FdEvaluation.Options(generator, tokenizer, images,
        TokenizerImages.TEST, classifier, g.samples, 0, g.temperature, g.steps), log);
    log.print(r.format());
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("gen/fd", r.generated().fd());
    out.put("gen/is_mean", r.generated().isMean());
    out.put("gen/is_std", r.generated().isStd());
    out.put("gen/tokenizer_fd", r.tokenizerFloor().fd());
    out.put("gen/tokenizer_is_mean", r.tokenizerFloor().isMean());
    out.put("gen/real_is_mean", r.reference().mean());
    out.put("gen/reference_count", (double) r.generated().referenceCount());
    out.put("gen/seconds", r.seconds());
    return out;
  }
}
