package org.sorcen.train.eval;

import java.util.Random;
import java.util.stream.IntStream;
import org.sorcen.graph.probe.LinearClassifierGraph;
import org.sorcen.train.data.Permutations;
import org.sorcen.train.session.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;

/**
 * Fits {@link LinearClassifierGraph} on (already normalised) feature rows in its own graph and
 * session, then predicts. Minibatches are drawn from a seeded per-epoch permutation, so a fit is
 * reproducible for a given seed.
 */
final class LinearClassifier implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final LinearClassifierGraph head;
  private final int dim;

  LinearClassifier(int dim, int numClasses, LinearClassifierGraph.Training training) {
    this.dim = dim;
    head = new LinearClassifierGraph(Ops.create(graph), dim, numClasses, training);
    session = new Session(graph);
    session.initialize();
  }

  /** Trains for {@code epochs} passes in minibatches of {@code batch}; returns the last step's loss. */
  float fit(float[][] x, long[] y, int batch, double epochs, long seed) {
    int n = x.length;
    int b = Math.min(batch, n);
    int stepsPerEpoch = (n + b - 1) / b;
    long total = Math.max(1, Math.round(epochs * stepsPerEpoch));
    Random random = new Random(seed);
    int[] order = IntStream.range(0, n).toArray();
    float loss = Float.NaN;
    for (long step = 0; step < total; step++) {
      int k = (int) (step % stepsPerEpoch);
      if (k == 0) {
        // Each epoch shuffles the previous epoch's order (one Random for the whole fit).
        Permutations.shuffle(order, random);
      }
      int from = k * b;
      int rows = Math.min(b, n - from);
      float[] xs = new float[rows * dim];
      long[] ys = new long[rows];
      for (int i = 0; i < rows; i++) {
        System.arraycopy(x[order[from + i]], 0, xs, i * dim, dim);
        ys[i] = y[order[from + i]];
      }
      try (Tensor tx = Tensors.floats(xs, rows, dim);
          Tensor ty = Tensors.longs(ys, rows);
          Tensor te = Tensors.floats(new float[] {(float) (step / (double) stepsPerEpoch)});
          Result r =
              session
                  .runner()
                  .feed(head.features, tx)
                  .feed(head.labels, ty)
                  .feed(head.epoch, te)
                  .fetch(head.loss)
                  .addTarget(head.trainStep)
                  .run()) {
        loss = Tensors.scalar(r.get(0));
      }
    }
    return loss;
  }

  long[] predict(float[][] x) {
    long[] out = new long[x.length];
    int chunk = 4096;
    for (int from = 0; from < x.length; from += chunk) {
      int rows = Math.min(chunk, x.length - from);
      float[] xs = new float[rows * dim];
      for (int i = 0; i < rows; i++) {
        System.arraycopy(x[from + i], 0, xs, i * dim, dim);
      }
      try (Tensor tx = Tensors.floats(xs, rows, dim);
          Result r = session.runner().feed(head.features, tx).fetch(head.predictions).run()) {
        System.arraycopy(Tensors.toLongs(r.get(0)), 0, out, from, rows);
      }
    }
    return out;
  }

  static double accuracy(long[] predicted, long[] labels) {
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      right += predicted[i] == labels[i] ? 1 : 0;
    }
    return (double) right / labels.length;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
