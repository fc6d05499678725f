package org.sorcen.graph.nn;

/** What a variable is for; it decides who may change it. */
public enum VariableRole {
  /** Trained by the optimizer. */
  TRAINABLE,
  /** Moved only by the EMA of its student twin (teacher blocks; the momentum projector under "ema"). */
  EMA,
  /**
   * Moved by the EMA of its student twin and then by the optimizer with the gradient that reaches
   * it: the official momentum projector (ALGORITHM.md §5).
   */
  EMA_AND_TRAINABLE,
  /** Updated by the forward pass itself (BatchNorm running statistics). */
  STATISTIC,
  /** Optimizer moments and counters: saved in checkpoints, never exported. */
  OPTIMIZER;

  /** Whether the optimizer steps it. */
  public boolean trained() {
    return this == TRAINABLE || this == EMA_AND_TRAINABLE;
  }

  /** Whether the teacher EMA moves it. */
  public boolean followsEma() {
    return this == EMA || this == EMA_AND_TRAINABLE;
  }
}
