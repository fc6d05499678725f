package org.sorcen.graph.config;

import java.util.List;

/** Mask-rate distribution, drop rate and the jittered spatial crop of the echo (ALGORITHM.md §4.1, §4.8). */
public final class MaskingConfig {
  public double maskRateMean = 0.55;
  public double maskRateStd = 0.25;
  public double maskRateMin = 0.5;
  public double maskRateMax = 1.0;

  /** Fraction of the L positions removed from the encoder input: n_drop = ceil(drop_rate·L). */
  public double dropRate = 0.5;

  /** Smallest crop side of the echo's spatial mask; null means G/2. */
  public Integer cropMin;

  /** Largest crop side; null means G. */
  public Integer cropMax;

  public int cropMin(int grid) {
    return cropMin != null ? cropMin : grid / 2;
  }

  public int cropMax(int grid) {
    return cropMax != null ? cropMax : grid;
  }

  public int numDropped(int seqLen) {
    return (int) Math.ceil(dropRate * seqLen);
  }

  void validate(List<String> errors, int grid) {
    Checks.inRange(errors, "masking.mask_rate_min", maskRateMin, 0, 1);
    Checks.inRange(errors, "masking.mask_rate_max", maskRateMax, 0, 1);
    if (maskRateMin > maskRateMax) {
      errors.add(
          "masking.mask_rate_min ("
              + maskRateMin
              + ") must be <= masking.mask_rate_max ("
              + maskRateMax
              + ")");
    }
    Checks.positive(errors, "masking.mask_rate_std", maskRateStd);
    Checks.inRange(errors, "masking.drop_rate", dropRate, 0, 1);
    if (dropRate > maskRateMin) {
      errors.add(
          "masking.drop_rate ("
              + dropRate
              + ") must be <= masking.mask_rate_min ("
              + maskRateMin
              + "): dropped positions are a subset of masked ones");
    }
    if (Math.ceil(dropRate * grid * grid) >= grid * grid) {
      errors.add(
          "masking.drop_rate ("
              + dropRate
              + ") drops every position of the "
              + grid
              + "x"
              + grid
              + " grid: lower it so that at least one position reaches the encoder");
    }
    int lo = cropMin(grid);
    int hi = cropMax(grid);
    if (lo < 1 || hi > grid || lo > hi) {
      errors.add(
          "masking.crop_min/crop_max ("
              + lo
              + ".."
              + hi
              + ") must satisfy 1 <= crop_min <= crop_max <= grid ("
              + grid
              + ")");
    }
  }
}
