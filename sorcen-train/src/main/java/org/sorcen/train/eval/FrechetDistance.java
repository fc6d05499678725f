package org.sorcen.train.eval;

/**
 * The Fréchet distance between two Gaussians fitted to feature rows:
 * ‖μa − μb‖² + Tr(Σa + Σb − 2(Σa·Σb)^{1/2}), in float64. Σa·Σb is not symmetric, but it has the
 * eigenvalues of the PSD matrix √Σa·Σb·√Σa, so Tr((Σa·Σb)^{1/2}) = Σ √λ of the latter; tiny
 * negative eigenvalues from rounding count as 0. With Inception features this is FID; here the
 * features are whatever the caller passes (see {@link FeatureClassifier}).
 */
public final class FrechetDistance {
  private FrechetDistance() {}

  public static double between(float[][] a, float[][] b) {
    return between(FeatureMoments.of(a), FeatureMoments.of(b));
  }

  public static double between(FeatureMoments a, FeatureMoments b) {
    int d = a.dimension();
    if (b.dimension() != d) {
      throw new IllegalArgumentException(
          "features of " + d + " and " + b.dimension() + " values cannot be compared");
    }
    double meanTerm = 0;
    double traces = 0;
    for (int i = 0; i < d; i++) {
      double diff = a.mean()[i] - b.mean()[i];
      meanTerm += diff * diff;
      traces += a.covariance()[i][i] + b.covariance()[i][i];
    }
    double[][] rootA = SymmetricEigen.of(a.covariance()).sqrtMatrix();
    double[][] product = multiply(multiply(rootA, b.covariance()), rootA);
    return meanTerm + traces - 2 * SymmetricEigen.of(product).traceOfSqrt();
  }

  static double[][] multiply(double[][] x, double[][] y) {
    int n = x.length;
    int m = y[0].length;
    double[][] out = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < y.length; k++) {
        double xik = x[i][k];
        if (xik != 0) {
          for (int j = 0; j < m; j++) {
            out[i][j] += xik * y[k][j];
          }
        }
      }
    }
    return out;
  }
}
