package org.sorcen.graph.config;

import java.util.List;
import java.util.ServiceLoader;

/**
 * The evaluators a program offers, and so which names {@code eval.evaluators} may hold and how
 * their settings are checked. This module cannot depend on sorcen-train, where the evaluators
 * live, so sorcen-train's registry is found with {@link ServiceLoader} (META-INF/services): config
 * validation then derives from that one list instead of keeping a copy of its names here.
 */
public interface EvaluatorCatalog {
  /** Adds one line per problem of {@code eval}'s evaluator names and of their settings. */
  void validate(EvalConfig eval, List<String> errors);

  /** The catalog on the class path; with none (this module alone, e.g. its own tests) nothing is checked. */
  static EvaluatorCatalog installed() {
    return Installed.CATALOG;
  }

  /** Looked up once: the class path does not change. */
  final class Installed {
    static final EvaluatorCatalog CATALOG =
        ServiceLoader.load(EvaluatorCatalog.class).findFirst().orElse((eval, errors) -> {});

    private Installed() {}
  }
}
