package org.sorcen.train.session;

import java.util.Collections;
import java.util.Map;

/**
 * What one training step reports: every loss term, the online classifier's accuracy, lr, the EMA
 * β, the gradient norm before clipping, and the step and epoch it ran at.
 */
public record StepMetrics(long step, Map<String, Double> values) {
  public StepMetrics {
    values = Collections.unmodifiableMap(values);
  }

  public double get(String name) {
    Double v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no metric '" + name + "'; have " + values.keySet());
    }
    return v;
  }

  public double totalLoss() {
    return get("loss/total");
  }
}
