package org.sorcen.train.eval;

/**
 * Eigenvalues and eigenvectors of a real symmetric matrix by cyclic Jacobi rotations, in float64.
 * Slow in theory (O(d³) per sweep) but exact to rounding and ample for the d ≈ 128 covariances of
 * the Fréchet distance, without a linear-algebra dependency or a TensorFlow session.
 */
record SymmetricEigen(double[] values, double[][] vectors) {
  /** Jacobi converges quadratically: a dozen sweeps are typical for d = 128; more means bad input. */
  static final int MAX_SWEEPS = 100;

  /** Stop once the off-diagonal mass is this small relative to the whole matrix (squared norms). */
  private static final double RELATIVE_OFF_DIAGONAL = 1e-26;

  /**
   * {@code a = V·diag(values)·Vᵀ}; {@code vectors[k][i]} is component k of eigenvector i. The
   * input is not changed; its upper triangle is mirrored, so a nearly symmetric matrix is fine.
   */
  static SymmetricEigen of(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][n];
    double[][] v = new double[n][n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      if (a[i].length != n) {
        throw new IllegalArgumentException(
            "not a square matrix: row " + i + " has " + a[i].length + " of " + n);
      }
      for (int j = 0; j < n; j++) {
        m[i][j] = j >= i ? a[i][j] : a[j][i];
        total += m[i][j] * m[i][j];
        if (!Double.isFinite(m[i][j])) {
          throw new IllegalArgumentException("matrix entry (" + i + ", " + j + ") is " + m[i][j]);
        }
      }
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      if (offDiagonal(m) <= RELATIVE_OFF_DIAGONAL * total) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
          values[i] = m[i][i];
        }
        return new SymmetricEigen(values, v);
      }
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          if (m[p][q] != 0) {
            rotate(m, v, p, q);
          }
        }
      }
    }
    throw new IllegalStateException(
        "Jacobi eigen-solver did not converge in " + MAX_SWEEPS + " sweeps");
  }

  /** Applies the rotation J(p, q) that zeroes m[p][q]: m ← Jᵀ·m·J, v ← v·J. */
  private static void rotate(double[][] m, double[][] v, int p, int q) {
    double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
    // The smaller root of t² + 2θt − 1 = 0 (|rotation| <= 45°), which keeps the rotation stable.
    double t = theta == 0 ? 1 : Math.signum(theta) / (Math.abs(theta) + Math.hypot(theta, 1));
    double c = 1 / Math.sqrt(t * t + 1);
    double s = t * c;
    int n = m.length;
    for (int k = 0; k < n; k++) {
      double kp = m[k][p];
      double kq = m[k][q];
      m[k][p] = c * kp - s * kq;
      m[k][q] = s * kp + c * kq;
    }
    for (int k = 0; k < n; k++) {
      double pk = m[p][k];
      double qk = m[q][k];
      m[p][k] = c * pk - s * qk;
      m[q][k] = s * pk + c * qk;
    }
    m[p][q] = 0;
    m[q][p] = 0;
    for (int k = 0; k < n; k++) {
      double kp = v[k][p];
      double kq = v[k][q];
      v[k][p] = c * kp - s * kq;
      v[k][q] = s * kp + c * kq;
    }
  }

  private static double offDiagonal(double[][] m) {
    double sum = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m.length; j++) {
        if (i != j) {
          sum += m[i][j] * m[i][j];
        }
      }
    }
    return sum;
  }

  /** V·diag(√max(λ, 0))·Vᵀ: the PSD square root, tiny negative eigenvalues (rounding) taken as 0. */
  double[][] sqrtMatrix() {
    int n = values.length;
    double[] root = new double[n];
    for (int i = 0; i < n; i++) {
      root[i] = Math.sqrt(Math.max(values[i], 0));
    }
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double sum = 0;
        for (int k = 0; k < n; k++) {
          sum += vectors[i][k] * root[k] * vectors[j][k];
        }
        out[i][j] = sum;
        out[j][i] = sum;
      }
    }
    return out;
  }

  /** Σ √max(λ, 0): the trace of the PSD square root. */
  double traceOfSqrt() {
    double sum = 0;
    for (double l : values) {
      sum += Math.sqrt(Math.max(l, 0));
    }
    return sum;
  }
}
