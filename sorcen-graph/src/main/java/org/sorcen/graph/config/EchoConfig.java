package org.sorcen.graph.config;

import java.util.List;

/** Echo sampling: top-k excluding the argmax, and the ground-truth warm-up (ALGORITHM.md §4.7). */
public final class EchoConfig {
  /** Number of candidates kept after removing the single largest logit. */
  public int topK = 15;

  /** Epochs during which the echo is the ground-truth grid. */
  public double warmupEpochs = 10;

  void validate(List<String> errors, int codebookSize) {
    Checks.atLeast(errors, "echo.top_k", topK, 1);
    if (topK + 1 > codebookSize) {
      errors.add(
          "echo.top_k (" + topK + ") + 1 must be <= model.codebook_size (" + codebookSize + ")");
    }
    Checks.nonNegative(errors, "echo.warmup_epochs", warmupEpochs);
  }
}
