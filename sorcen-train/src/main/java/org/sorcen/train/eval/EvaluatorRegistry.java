package org.sorcen.train.eval;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one list of evaluators. Config validation ({@link EvalConfig#validate}), the
 * {@code ./sorcen eval} subcommands, {@code experiment} and the periodic evaluation of
 * {@code train} all derive from it: adding an evaluator is its class plus one line in
 * {@link #STANDARD}. Evaluators run in this order whatever the order of {@code eval.evaluators}, so
 * figures print in the same order everywhere.
 */
public final class EvaluatorRegistry {
  private static final List<Evaluator> STANDARD =
      List.of(
          new KnnEvaluator(),
          new LinearProbeEvaluator(),
          new FewShotEvaluator(),
          new FdEvaluator());

  private final List<Evaluator> evaluators;

  /** A registry of {@code evaluators}, e.g. the standard ones plus a test's. */
  public EvaluatorRegistry(List<Evaluator> evaluators) {
    this.evaluators = List.copyOf(evaluators);
  }

  public static EvaluatorRegistry standard() {
    return new EvaluatorRegistry(STANDARD);
  }

  public List<Evaluator> all() {
    return evaluators;
  }

  public List<Evaluator> taking(Evaluator.Input input) {
    return evaluators.stream().filter(e -> e.input() == input).toList();
  }

  public List<String> names() {
    return evaluators.stream().map(Evaluator::name).toList();
  }

  public Optional<Evaluator> get(String name) {
    return evaluators.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** Unknown names, and every evaluator's settings (checked even when not selected: a typo waits otherwise). */
  public void validate(EvalConfig eval, List<String> errors) {
    for (String name : eval.evaluators) {
      if (get(name).isEmpty()) {
        errors.add(
            "eval.evaluators[]: unknown evaluator '"
                + name
                + "'; known: "
                + String.join(", ", names()));
      }
    }
    for (Evaluator e : evaluators) {
      e.validate(eval, eval.evaluators.contains(e.name()), errors);
    }
  }

  /** Training rows the selected evaluators need embedded (0 = all). */
  public int trainRowsNeeded(EvalConfig cfg) {
    int rows = -1;
    for (Evaluator e : selected(cfg)) {
      int r = e.trainRowsNeeded(cfg);
      if (r >= 0) {
        rows = rows < 0 ? r : widest(rows, r);
      }
    }
    return Math.max(rows, 0);
  }

  /** 0 means all rows, so it is the widest. */
  private static int widest(int a, int b) {
    return a == 0 || b == 0 ? 0 : Math.max(a, b);
  }

  /**
   * Runs the evaluators of {@code cfg.evaluators} for which {@code in} has the input, in registry
   * order, and returns their figures; the others are named on {@code in.progress()} as skipped.
   */
  public Map<String, Double> run(EvalConfig cfg, EvalInputs in, PrintStream out) {
    Map<String, Double> figures = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    for (Evaluator e : selected(cfg)) {
      if (in.has(e.input())) {
        figures.putAll(e.run(cfg, in, out));
      } else {
        skipped.add(e.name());
      }
    }
    if (!skipped.isEmpty()) {
      in.progress()
          .println(
              "sorcen: skipped "
                  + String.join(", ", skipped)
                  + ": "
                  + "no input for them here (frozen-feature evaluators need a labelled dataset, generation evaluators a "
                  + "tokenizer)");
    }
    return figures;
  }

  private List<Evaluator> selected(EvalConfig cfg) {
    return evaluators.stream().filter(e -> cfg.evaluators.contains(e.name())).toList();
  }
}
