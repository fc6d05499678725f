package org.sorcen.train.cli;

import java.util.List;
import org.sorcen.train.eval.Evaluator;
import org.sorcen.train.eval.EvaluatorRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * `./sorcen eval ...`: one subcommand per evaluator of the registry, named as in
 * {@code eval.evaluators}, plus {@code all} (every frozen-feature evaluator at once). The
 * subcommands are added by {@link #addEvaluators} rather than listed here, so that a new evaluator
 * needs no change to the CLI.
 */
@Command(name = "eval", description = "Evaluate a trained encoder or generator.")
final class EvalCommand implements Runnable {
  static final String ALL = "all";

  @picocli.CommandLine.Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name an evaluator: " + String.join(", ", spec.subcommands().keySet()));
  }

  /** Adds to {@code eval} a subcommand per evaluator of {@code registry}: frozen-feature ones, all, the others. */
  static void addEvaluators(CommandLine eval, EvaluatorRegistry registry) {
    List<Evaluator> features = registry.taking(Evaluator.Input.FROZEN_FEATURES);
    List<Evaluator> generation = registry.taking(Evaluator.Input.GENERATION);
    for (Evaluator e : features) {
      add(eval, e.name(), e.description(), new FeatureEvalCommand(registry, List.of(e)));
    }
    add(
        eval,
        ALL,
        "Every frozen-feature evaluator: " + names(features) + ".",
        new FeatureEvalCommand(registry, features));
    for (Evaluator e : generation) {
      add(eval, e.name(), e.description(), new GenerationEvalCommand(registry, e));
    }
    eval.getCommandSpec()
        .usageMessage()
        .description(
            "Evaluate a trained encoder ("
                + names(features)
                + ", "
                + ALL
                + ") or generator ("
                + names(generation)
                + ").");
  }

  private static void add(CommandLine parent, String name, String description, Object command) {
    CommandSpec spec = CommandSpec.forAnnotatedObject(command);
    spec.usageMessage().description(description);
    parent.addSubcommand(name, new CommandLine(spec));
  }

  private static String names(List<Evaluator> evaluators) {
    return String.join(", ", evaluators.stream().map(Evaluator::name).toList());
  }
}
