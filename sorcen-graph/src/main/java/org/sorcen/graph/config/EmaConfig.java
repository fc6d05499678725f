package org.sorcen.graph.config;

import java.util.List;

/** Teacher EMA: β(e) = 1 − (1 − β₀)·(cos(π·e/E) + 1)/2 (ALGORITHM.md §5). */
public final class EmaConfig {
  public double baseMomentum = 0.996;

  void validate(List<String> errors) {
    Checks.inRange(errors, "ema.base_momentum", baseMomentum, 0, 1);
  }
}
