package org.sorcen.train.eval;

import org.sorcen.train.session.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Weighted cosine k-NN on frozen features (the DINO protocol): each test feature votes with its k
 * most similar training features, each vote weighted exp(cos/T); the class with the largest summed
 * weight wins. The similarity matmul and top-k run in TensorFlow (60k × 10k comparisons take
 * seconds there, minutes in plain Java); the votes are counted in Java.
 */
public final class CosineKnn {
  /** Test rows per similarity matmul: bounds the [chunk × N] similarity block in memory. */
  static final int CHUNK = 512;

  private CosineKnn() {}

  public static double accuracy(FrozenFeatures f, int k, double temperature) {
    return accuracy(
        f.train(), f.trainLabels(), f.test(), f.testLabels(), f.numClasses(), k, temperature);
  }

  /** Top-1 accuracy over test rows with a known label; training rows with label −1 never vote. */
  public static double accuracy(
      float[][] train,
      long[] trainLabels,
      float[][] test,
      long[] testLabels,
      int numClasses,
      int k,
      double temperature) {
    FrozenFeatures f = new FrozenFeatures(train, trainLabels, test, testLabels, numClasses);
    int n = f.train().length;
    int d = f.dim();
    int kk = Math.min(k, n);
    float[] memory = flatNormalized(f.train(), 0, n);
    int right = 0;
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> mem = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, d)));
      Placeholder<TFloat32> queries =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, d)));
      Operand<TFloat32> sims = tf.linalg.matMul(queries, mem, MatMul.transposeB(true));
      TopK<TFloat32, TInt32> top = tf.nn.topK(sims, tf.constant(kk), TInt32.class);
      try (Tensor memT = Tensors.floats(memory, n, d)) {
        for (int from = 0; from < f.test().length; from += CHUNK) {
          int rows = Math.min(CHUNK, f.test().length - from);
          try (Tensor q = Tensors.floats(flatNormalized(f.test(), from, rows), rows, d);
              Result r =
                  s.runner()
                      .feed(mem, memT)
                      .feed(queries, q)
                      .fetch(top.values())
                      .fetch(top.indices())
                      .run()) {
            float[] values = Tensors.toFloats(r.get(0));
            int[] indices = ints((TInt32) r.get(1));
            for (int i = 0; i < rows; i++) {
              double[] votes = new double[f.numClasses()];
              for (int j = 0; j < kk; j++) {
                votes[(int) f.trainLabels()[indices[i * kk + j]]] +=
                    Math.exp(values[i * kk + j] / temperature);
              }
              right += argMax(votes) == f.testLabels()[from + i] ? 1 : 0;
            }
          }
        }
      }
    }
    return (double) right / f.test().length;
  }

  private static int argMax(double[] v) {
    int best = 0;
    for (int c = 1; c < v.length; c++) {
      if (v[c] > v[best]) {
        best = c;
      }
    }
    return best;
  }

  private static int[] ints(TInt32 t) {
    int[] out = new int[Math.toIntExact(t.size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** Rows [from, from+rows) scaled to unit length, flattened row-major. */
  static float[] flatNormalized(float[][] x, int from, int rows) {
    int d = x[from].length;
    float[] out = new float[rows * d];
    for (int i = 0; i < rows; i++) {
      float[] row = x[from + i];
      double norm = 0;
      for (float v : row) {
        norm += (double) v * v;
      }
      double inv = 1 / Math.max(Math.sqrt(norm), 1e-12);
      for (int j = 0; j < d; j++) {
        out[i * d + j] = (float) (row[j] * inv);
      }
    }
    return out;
  }
}
