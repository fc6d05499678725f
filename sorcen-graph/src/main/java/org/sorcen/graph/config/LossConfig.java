package org.sorcen.graph.config;

import java.util.List;

/** Loss weights and constants (ALGORITHM.md §4.5–§4.13). */
public final class LossConfig {
  public double labelSmoothing = 0.1;
  public double uniformityWeight = 0.01;
  public double contrastiveWeight = 0.1;

  /** τ of the echo contrast. */
  public double temperature = 0.3;

  void validate(List<String> errors) {
    Checks.inRange(errors, "loss.label_smoothing", labelSmoothing, 0, 1);
    Checks.nonNegative(errors, "loss.uniformity_weight", uniformityWeight);
    Checks.nonNegative(errors, "loss.contrastive_weight", contrastiveWeight);
    Checks.positive(errors, "loss.temperature", temperature);
  }
}
