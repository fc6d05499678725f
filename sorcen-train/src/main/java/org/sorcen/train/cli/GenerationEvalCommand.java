package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sorcen.export.SorcenGenerator;
import org.sorcen.graph.model.IterativeDecoder;
import org.sorcen.train.data.ProjectPaths;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.eval.EvalConfig;
import org.sorcen.train.eval.EvalInputs;
import org.sorcen.train.eval.Evaluator;
import org.sorcen.train.eval.EvaluatorRegistry;
import org.sorcen.train.eval.FdEvaluation;
import org.sorcen.train.eval.GenerationConfig;
import org.sorcen.train.eval.GenerationInputs;
import picocli.CommandLine.Option;

/**
 * `./sorcen eval NAME` for a generation evaluator (fd): an exported generator and its tokenizer,
 * and the options of the config's {@code eval.generation} section as flags, with its defaults.
 * Progress goes to stderr, the evaluator's report to stdout.
 */
final class GenerationEvalCommand implements Callable<Integer> {
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
      names = "--reference",
      required = true,
      description =
          "Directory with the IDX files of the real images, "
              + "e.g. /usr/share/datasets/fashion-mnist.")
  Path reference;

  @Option(
      names = "--split",
      defaultValue = GenerationConfig.DEFAULT_SPLIT,
      description = "Real split to compare " + "with: t10k or train (default ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = "--classifier",
      description =
          "Feature classifier SavedModel (default: the committed "
              + GenerationConfig.DEFAULT_CLASSIFIER
              + ").")
  Path classifier;

  @Option(
      names = "--n",
      defaultValue = "" + GenerationConfig.DEFAULT_SAMPLES,
      description = "Images to generate " + "(default ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "First seed; images use seeds seed..seed+n-1 " + "(default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--temperature",
      defaultValue = "" + IterativeDecoder.DEFAULT_TEMPERATURE,
      description = "Sampling " + "temperature (default ${DEFAULT-VALUE}).")
  float temperature;

  @Option(
      names = "--steps",
      defaultValue = "" + IterativeDecoder.DEFAULT_STEPS,
      description = "Iterative decoding " + "steps (default ${DEFAULT-VALUE}).")
  int steps;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  private final EvaluatorRegistry registry;
  private final Evaluator evaluator;

  GenerationEvalCommand(EvaluatorRegistry registry, Evaluator evaluator) {
    this.registry = registry;
    this.evaluator = evaluator;
  }

  @Override
  public Integer call() {
    Flags.requireAtLeast(spec, "--n", count, 2);
    Flags.requireNonNegative(spec, "--temperature", temperature);
    Flags.requireInRange(spec, "--steps", steps, 1, SorcenGenerator.MAX_STEPS);
    if (!split.equals(FdEvaluation.DEFAULT_SPLIT) && !split.equals("train")) {
      throw new IllegalArgumentException("--split must be t10k or train, got " + split);
    }
    EvalConfig cfg = new EvalConfig();
    cfg.evaluators = List.of(evaluator.name());
    GenerationConfig g = cfg.generation;
    g.reference = reference.toString();
    g.split = split;
    if (classifier != null) {
      g.classifier = classifier.toString();
    }
    g.samples = count;
    g.seed = seed;
    g.temperature = temperature;
    g.steps = steps;
    try (SorcenGenerator gen = SorcenGenerator.load(generator);
        Tokenizer tok = Tokenizer.load(tokenizer)) {
      registry.run(
          cfg,
          EvalInputs.generation(
              new GenerationInputs(gen::generate, tok, ProjectPaths::resolve), System.err),
          System.out);
    }
    return 0;
  }
}
