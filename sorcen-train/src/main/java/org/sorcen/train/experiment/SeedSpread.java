package org.sorcen.train.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One figure over training seeds: its per-seed values, their mean and sample standard deviation
 * (n − 1 in the denominator: three seeds are a sample, not the population). The std is NaN for a
 * single value, which the report shows as "—": a deterministic baseline has no seed spread.
 */
record SeedSpread(List<Double> values, double mean, double std) {
  static SeedSpread of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    double mean = values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
    double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
    return new SeedSpread(
        List.copyOf(values),
        mean,
        values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : Double.NaN);
  }

  /** Every figure present in all of {@code perSeed}, in the first map's order. */
  static Map<String, SeedSpread> byFigure(List<Map<String, Double>> perSeed) {
    Map<String, SeedSpread> out = new LinkedHashMap<>();
    if (perSeed.isEmpty()) {
      return out;
    }
    for (String key : perSeed.get(0).keySet()) {
      if (perSeed.stream().allMatch(m -> m.get(key) != null)) {
        out.put(key, of(perSeed.stream().map(m -> m.get(key)).toList()));
      }
    }
    return out;
  }

  /** Whether there is a spread to compare against: more than one seed. */
  boolean spread() {
    return values.size() > 1;
  }
}
