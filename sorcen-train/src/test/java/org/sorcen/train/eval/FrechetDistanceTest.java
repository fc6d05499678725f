package org.sorcen.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Known answers of ‖μa − μb‖² + Tr(Σa + Σb − 2(Σa·Σb)^{1/2}). */
class FrechetDistanceTest {
  private static final int D = 16;

  @Test
  void aSetAgainstItselfIsZero() {
    float[][] a = gaussian(2000, D, 1);
    double trace = trace(FeatureMoments.of(a).covariance());
    assertEquals(0, FrechetDistance.between(a, a), 1e-6 * trace);
  }

  @Test
  void aShiftedSetIsTheSquaredShiftAway() {
    float[][] a = gaussian(2000, D, 2);
    float[][] b = new float[a.length][D];
    double norm2 = 0;
    for (int j = 0; j < D; j++) {
      norm2 += (0.25 * j) * (0.25 * j);
    }
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < D; j++) {
        b[i][j] = a[i][j] + 0.25f * j;
      }
    }
    assertEquals(norm2, FrechetDistance.between(a, b), 1e-4 * norm2);
  }

  /** Σa = I and Σb = 4I exactly (rows ±c·e_i), equal means: FD = d·(1 + 4 − 2·2) = d. */
  @Test
  void diagonalCovariancesMatchTheClosedForm() {
    float[][] a = axes(D, 1);
    float[][] b = axes(D, 2);
    assertEquals(1.0, FeatureMoments.of(a).covariance()[3][3], 1e-6, "the construction itself");
    assertEquals(D, FrechetDistance.between(a, b), 1e-4);
    double sampled = FrechetDistance.between(gaussian(4000, D, 3), scaled(gaussian(4000, D, 4), 2));
    assertTrue(
        sampled > 0.5 * D && sampled < 1.5 * D, "sampled Gaussians, scale 1 vs 2: " + sampled);
  }

  /**
   * Non-commuting 2×2 covariances: the eigenvalues λ of Σa·Σb give Tr((Σa·Σb)^{1/2}) = √λ1 + √λ2
   * = √(Tr(Σa·Σb) + 2√(det Σa · det Σb)), independent of the eigen-solver.
   */
  @Test
  void nonDiagonalCovariancesMatchTheTwoByTwoFormula() {
    float[][] a = gaussian(3000, 2, 5);
    float[][] b = gaussian(3000, 2, 6);
    for (float[] row : b) {
      row[1] = 0.8f * row[0] + 0.5f * row[1] + 1;
      row[0] = 2 * row[0];
    }
    FeatureMoments ma = FeatureMoments.of(a);
    FeatureMoments mb = FeatureMoments.of(b);
    double[][] p = FrechetDistance.multiply(ma.covariance(), mb.covariance());
    double detA = det(ma.covariance());
    double detB = det(mb.covariance());
    double trSqrt = Math.sqrt(p[0][0] + p[1][1] + 2 * Math.sqrt(detA * detB));
    double expected =
        sq(ma.mean()[0] - mb.mean()[0])
            + sq(ma.mean()[1] - mb.mean()[1])
            + trace(ma.covariance())
            + trace(mb.covariance())
            - 2 * trSqrt;
    assertEquals(expected, FrechetDistance.between(a, b), 1e-9 * expected);
  }

  @Test
  void eigenDecompositionRebuildsTheMatrix() {
    double[][] m = FeatureMoments.of(gaussian(50, 8, 7)).covariance();
    SymmetricEigen e = SymmetricEigen.of(m);
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 8; j++) {
        double sum = 0;
        for (int k = 0; k < 8; k++) {
          sum += e.vectors()[i][k] * e.values()[k] * e.vectors()[j][k];
        }
        assertEquals(m[i][j], sum, 1e-12);
      }
    }
  }

  private static float[][] gaussian(int n, int d, long seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][d];
    for (float[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] = (float) r.nextGaussian();
      }
    }
    return x;
  }

  /** 2d rows ±c·e_i whose sample covariance (n − 1) is exactly scale²·I. */
  private static float[][] axes(int d, double scale) {
    float c = (float) (scale * Math.sqrt((2 * d - 1) / 2.0));
    float[][] x = new float[2 * d][d];
    for (int i = 0; i < d; i++) {
      x[2 * i][i] = c;
      x[2 * i + 1][i] = -c;
    }
    return x;
  }

  private static float[][] scaled(float[][] x, float s) {
    for (float[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] *= s;
      }
    }
    return x;
  }

  private static double trace(double[][] m) {
    double t = 0;
    for (int i = 0; i < m.length; i++) {
      t += m[i][i];
    }
    return t;
  }

  private static double det(double[][] m) {
    return m[0][0] * m[1][1] - m[0][1] * m[1][0];
  }

  private static double sq(double x) {
    return x * x;
  }
}
