package org.sorcen.train.eval;

/**
 * Mean and covariance of feature rows, in float64. The covariance divides by n − 1, as numpy's
 * {@code np.cov} does in the reference FID code, so figures are comparable in kind.
 */
public record FeatureMoments(int count, double[] mean, double[][] covariance) {

  public static FeatureMoments of(float[][] rows) {
    if (rows.length < 2) {
      throw new IllegalArgumentException(
          "a covariance needs at least 2 feature rows, got " + rows.length);
    }
    int d = rows[0].length;
    double[] mean = new double[d];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException(
            "feature row " + i + " has " + rows[i].length + " values, row 0 has " + d);
      }
      for (int j = 0; j < d; j++) {
        if (!Float.isFinite(rows[i][j])) {
          throw new IllegalArgumentException(
              "feature row " + i + " holds " + rows[i][j] + " at " + j);
        }
        mean[j] += rows[i][j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= rows.length;
    }
    double[][] cov = new double[d][d];
    double[] centred = new double[d];
    for (float[] row : rows) {
      for (int j = 0; j < d; j++) {
        centred[j] = row[j] - mean[j];
      }
      for (int j = 0; j < d; j++) {
        double cj = centred[j];
        double[] covRow = cov[j];
        for (int k = j; k < d; k++) {
          covRow[k] += cj * centred[k];
        }
      }
    }
    for (int j = 0; j < d; j++) {
      for (int k = j; k < d; k++) {
        cov[j][k] /= rows.length - 1;
        cov[k][j] = cov[j][k];
      }
    }
    return new FeatureMoments(rows.length, mean, cov);
  }

  public int dimension() {
    return mean.length;
  }
}
