package org.sorcen.train.eval;

/**
 * Weighted cosine k-NN on frozen features (the DINO protocol): each test feature votes with its k
 * most similar training features, each vote weighted exp(cos/T); the class with the largest summed
 * weight wins. Returns top-1 accuracy over test rows with a known label.
 */
public final class KnnEvaluator {
  private KnnEvaluator() {}

  public static double accuracy(float[][] train, long[] trainLabels, float[][] test, long[] testLabels, int numClasses,
      int k, double temperature) {
    float[][] a = normalized(train);
    float[][] b = normalized(test);
    int kk = Math.min(k, a.length);
    int right = 0;
    int counted = 0;
    for (int t = 0; t < b.length; t++) {
      if (testLabels[t] < 0) {
        continue;
      }
      double[] sims = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        sims[i] = trainLabels[i] < 0 ? Double.NEGATIVE_INFINITY : dot(a[i], b[t]);
      }
      double[] votes = new double[numClasses];
      for (int n = 0; n < kk; n++) {
        int best = -1;
        for (int i = 0; i < sims.length; i++) {
          if (best < 0 || sims[i] > sims[best]) {
            best = i;
          }
        }
        if (sims[best] == Double.NEGATIVE_INFINITY) {
          break;
        }
        votes[(int) trainLabels[best]] += Math.exp(sims[best] / temperature);
        sims[best] = Double.NEGATIVE_INFINITY;
      }
      int predicted = 0;
      for (int c = 1; c < numClasses; c++) {
        if (votes[c] > votes[predicted]) {
          predicted = c;
        }
      }
      right += predicted == testLabels[t] ? 1 : 0;
      counted++;
    }
    return counted == 0 ? Double.NaN : (double) right / counted;
  }

  static float[][] normalized(float[][] x) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) {
      double n = Math.sqrt(dot(x[i], x[i]));
      out[i] = new float[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = (float) (x[i][j] / Math.max(n, 1e-12));
      }
    }
    return out;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
