package org.sorcen.graph.nn;

/** What a variable is for; it decides who may change it. */
public enum VariableRole {
  /** Trained by the optimizer. */
  TRAINABLE,
  /** Moved only by the EMA of its student twin (teacher blocks, momentum projector). */
  EMA,
  /** Updated by the forward pass itself (BatchNorm running statistics). */
  STATISTIC,
  /** Optimizer moments and counters: saved in checkpoints, never exported. */
  OPTIMIZER
}
