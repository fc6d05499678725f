package org.sorcen.graph.config;

import java.util.List;

/** Teacher EMA: β(e) = 1 − (1 − β₀)·(cos(π·e/E) + 1)/2 (ALGORITHM.md §5). */
public final class EmaConfig {
  /** The official rule: the momentum projector follows the EMA and is then stepped by AdamW. */
  public static final String TRAINED = "trained";

  /** The momentum projector follows the EMA only (runs written with it resume with it; also an ablation). */
  public static final String EMA_ONLY = "ema";

  public double baseMomentum = 0.996;

  /** How the momentum projector moves (ALGORITHM.md §5): "trained" (official) or "ema". */
  public String momentumProjector = TRAINED;

  public boolean momentumProjectorTrained() {
    return TRAINED.equals(momentumProjector);
  }

  void validate(List<String> errors) {
    Checks.inRange(errors, "ema.base_momentum", baseMomentum, 0, 1);
    Checks.oneOf(errors, "ema.momentum_projector", momentumProjector, TRAINED, EMA_ONLY);
  }
}
