package org.sorcen.graph.config;

import java.util.List;

/** AdamW with warm-up and cosine decay, clipped by global norm (ALGORITHM.md §6). */
public final class OptimizerConfig {
  /** Base learning rate: lr = blr · batch_size / 256. */
  public double blr = 1.5e-4;

  public double beta1 = 0.9;
  public double beta2 = 0.95;
  public double eps = 1e-8;
  public double weightDecay = 0.05;
  public double warmupEpochs = 40;
  public double minLr = 0;

  /** Global-norm clipping threshold; 0 turns clipping off. */
  public double clipGradNorm = 3.0;

  public double peakLr(int batchSize) {
    return blr * batchSize / 256.0;
  }

  public void validate(List<String> errors, double epochs) {
    Checks.positive(errors, "optimizer.blr", blr);
    Checks.inRange(errors, "optimizer.beta1", beta1, 0, 0.999999);
    Checks.inRange(errors, "optimizer.beta2", beta2, 0, 0.999999);
    Checks.positive(errors, "optimizer.eps", eps);
    Checks.nonNegative(errors, "optimizer.weight_decay", weightDecay);
    Checks.nonNegative(errors, "optimizer.warmup_epochs", warmupEpochs);
    Checks.nonNegative(errors, "optimizer.min_lr", minLr);
    Checks.nonNegative(errors, "optimizer.clip_grad_norm", clipGradNorm);
    if (warmupEpochs > epochs) {
      errors.add(
          "optimizer.warmup_epochs ("
              + warmupEpochs
              + ") must be <= train.epochs ("
              + epochs
              + ")");
    }
  }
}
