package org.sorcen.train.eval;

/**
 * The Inception score computed with another classifier's p(y|x): per split of the rows,
 * exp(E_x KL(p(y|x) ‖ p(y))) with p(y) the split's mean prediction; reported as the mean and the
 * (population) standard deviation over splits, as in the original code. Ranges from 1 (every image
 * gets the same prediction, or none is confident) to K (confident and spread evenly over K classes).
 */
public record InceptionScoreAnalogue(double mean, double std) {
  /** The original paper's number of splits. */
  public static final int DEFAULT_SPLITS = 10;

  /** Splits are contiguous blocks of ⌊n/splits⌋ rows; the remainder is left out, as in the original. */
  public static InceptionScoreAnalogue of(float[][] probabilities, int splits) {
    int n = probabilities.length;
    if (splits < 1 || n < splits) {
      throw new IllegalArgumentException(
          "need at least one row per split: " + n + " rows, " + splits + " splits");
    }
    int part = n / splits;
    double[] scores = new double[splits];
    for (int s = 0; s < splits; s++) {
      scores[s] = Math.exp(meanKl(probabilities, s * part, (s + 1) * part));
    }
    double mean = 0;
    for (double v : scores) {
      mean += v / splits;
    }
    double var = 0;
    for (double v : scores) {
      var += (v - mean) * (v - mean) / splits;
    }
    return new InceptionScoreAnalogue(mean, Math.sqrt(var));
  }

  private static double meanKl(float[][] p, int from, int to) {
    int k = p[from].length;
    double[] marginal = new double[k];
    for (int i = from; i < to; i++) {
      if (p[i].length != k) {
        throw new IllegalArgumentException(
            "row " + i + " has " + p[i].length + " probabilities, expected " + k);
      }
      for (int c = 0; c < k; c++) {
        if (!(p[i][c] >= 0 && p[i][c] <= 1)) {
          throw new IllegalArgumentException(
              "row " + i + " holds " + p[i][c] + ", not a probability");
        }
        marginal[c] += p[i][c] / (double) (to - from);
      }
    }
    double sum = 0;
    for (int i = from; i < to; i++) {
      for (int c = 0; c < k; c++) {
        double pc = p[i][c];
        if (pc > 0) { // 0·log 0 = 0
          sum += pc * (Math.log(pc) - Math.log(marginal[c]));
        }
      }
    }
    return sum / (to - from);
  }
}
