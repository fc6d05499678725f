package org.sorcen.train.cluster;

/**
 * This process's place in a data-parallel run: the cluster, and how long a collective waits for a
 * peer before the step fails (longer than the chief's longest pause without a step: evaluation,
 * checkpoint, pictures).
 */
public record Workers(ClusterSpec spec, double timeoutSeconds) {
  public Workers {
    if (!(timeoutSeconds > 0)) {
      throw new IllegalArgumentException("--cluster-timeout must be positive, got " + timeoutSeconds);
    }
  }

  public boolean isChief() {
    return spec.isChief();
  }
}
