package org.sorcen.train.eval;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * One evaluator: its name (in {@code eval.evaluators} and as the {@code ./sorcen eval} subcommand),
 * what it needs, how it checks its settings, and how it runs. Registered in
 * {@link EvaluatorRegistry}, from which config validation, the {@code eval} subcommands,
 * {@code experiment} and the periodic evaluation of {@code train} all derive.
 */
public interface Evaluator {
  /** What an evaluator is computed from; the subcommand and the trainer supply it accordingly. */
  enum Input {
    /** Frozen encoder features of the training and held-out splits ({@link EvalInputs#features()}). */
    FROZEN_FEATURES,
    /** A generator, its tokenizer and {@code eval.generation} ({@link EvalInputs#generation()}). */
    GENERATION
  }

  /** The name in {@code eval.evaluators} and of the {@code eval} subcommand, e.g. "linear-probe". */
  String name();

  /** One line for {@code ./sorcen eval NAME --help}. */
  String description();

  Input input();

  /**
   * Training rows this evaluator needs embedded under {@code cfg}: 0 for all, -1 for none (the
   * default: it does not read the training split's features).
   */
  default int trainRowsNeeded(EvalConfig cfg) {
    return -1;
  }

  /** Adds one line per problem of this evaluator's settings; {@code selected}: it is in eval.evaluators. */
  void validate(EvalConfig cfg, boolean selected, List<String> errors);

  /** Runs, printing its figures for people on {@code out}; returns them under TensorBoard keys. */
  Map<String, Double> run(EvalConfig cfg, EvalInputs in, PrintStream out);
}
