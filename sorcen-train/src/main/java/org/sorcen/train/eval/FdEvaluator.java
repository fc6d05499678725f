package org.sorcen.train.eval;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * "fd": {@link FdEvaluation} (Fréchet distance and Inception-score analogue, with the tokenizer
 * floor) of {@code eval.generation.samples} generated images against the reference images. In
 * {@code train} it runs on the model being trained, so it needs the run's tokenizer; each time it
 * also re-reads the reference and re-computes the floor, which keeps it one code path with
 * {@code ./sorcen eval fd}.
 */
final class FdEvaluator implements Evaluator {
  @Override
  public String name() {
    return "fd";
  }

  @Override
  public String description() {
    return "Evaluate a generator: Fréchet distance (FD) and Inception-score analogue of N generated images "
        + "against real images, next to the tokenizer floor (the same figures for the tokenizer's reconstructions "
        + "of the real images). "
        + FdEvaluation.WHAT
        + ".";
  }

  @Override
  public Input input() {
    return Input.GENERATION;
  }

  @Override
  public void validate(EvalConfig cfg, boolean selected, List<String> errors) {
    if (cfg.generation == null) {
      errors.add("eval.generation must be an object");
    } else {
      cfg.generation.validate(errors, "eval.generation.", selected);
    }
  }

  @Override
  public Map<String, Double> run(EvalConfig cfg, EvalInputs in, PrintStream out) {
    GenerationConfig g = cfg.generation;
    GenerationInputs models = in.generation();
    FdEvaluation.Options o =
        new FdEvaluation.Options(
            null,
            null,
            models.paths().apply(Path.of(g.reference)),
            g.split,
            models.paths().apply(Path.of(g.classifier)),
            g.samples,
            g.seed,
            g.temperature,
            g.steps);
    FdEvaluation.Report report =
        FdEvaluation.run(o, models.generator(), models.tokenizer(), in.progress());
    out.print(report.format());
    return report.figures();
  }
}
