package org.sorcen.train.eval;

/**
 * The probe's parameter-free BatchNorm (affine off) on frozen features. With the encoder frozen,
 * BatchNorm's population statistics are exactly the training features' per-dimension mean and
 * variance, so we standardise with those (computed once, in float64) instead of estimating them
 * with running averages; eps as in torch's BatchNorm.
 */
final class Standardizer {
  static final double EPS = 1e-5;
  private final double[] mean;
  private final double[] invStd;

  Standardizer(float[][] train) {
    int d = train[0].length;
    mean = new double[d];
    invStd = new double[d];
    for (float[] row : train) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= train.length;
    }
    double[] var = new double[d];
    for (float[] row : train) {
      for (int j = 0; j < d; j++) {
        double c = row[j] - mean[j];
        var[j] += c * c;
      }
    }
    for (int j = 0; j < d; j++) {
      invStd[j] = 1 / Math.sqrt(var[j] / train.length + EPS);
    }
  }

  float[][] apply(float[][] x) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new float[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = (float) ((x[i][j] - mean[j]) * invStd[j]);
      }
    }
    return out;
  }
}
