package org.sorcen.train.bench;

import org.sorcen.train.session.SessionSettings;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * The machine's matrix-product peak for a compute dtype, measured rather than assumed: the best of
 * several runs of one ViT-B-shaped product ([1024×768]·[768×3072], the MLP's first layer at batch 4)
 * in TensorFlow, with the session's thread count. Model FLOP/s are quoted against it, so that a
 * bfloat16 step is compared with what bfloat16 can do on this CPU (AMX units), not float32's peak.
 */
public final class MatmulPeak {
  static final int M = 1024;
  static final int K = 768;
  static final int N = 3072;
  private static final int RUNS = 12;

  private MatmulPeak() {}

  /** FLOP/s of the best run; {@code computeDtype} is "float32" or "bfloat16". */
  public static double measure(String computeDtype, int threads) {
    try (Graph g = new Graph();
        Session s = new Session(g, new SessionSettings(threads, 0, false).toConfigProto())) {
      Ops tf = Ops.create(g);
      // A fed scalar keeps the product from being constant-folded at graph optimisation.
      Operand<TFloat32> shift = tf.placeholder(TFloat32.class);
      Operand<TFloat32> a =
          tf.math.add(
              tf.random.statelessRandomUniform(
                  tf.constant(new int[] {M, K}), tf.constant(new long[] {1, 2})),
              shift);
      Operand<TFloat32> b =
          tf.random.statelessRandomUniform(
              tf.constant(new int[] {K, N}), tf.constant(new long[] {3, 4}));
      Operand<? extends TNumber> product =
          "bfloat16".equals(computeDtype)
              ? tf.linalg.matMul(
                  tf.dtypes.cast(a, TBfloat16.class), tf.dtypes.cast(b, TBfloat16.class))
              : tf.linalg.matMul(a, b);
      Operand<? extends TNumber> probe = tf.reduceMax(product, tf.constant(new int[] {0, 1}));
      double best = Double.MAX_VALUE;
      for (int i = 0; i < RUNS; i++) {
        long t0 = System.nanoTime();
        try (TFloat32 v = TFloat32.scalarOf(i * 1e-6f);
            Result r = s.runner().feed(shift, v).fetch(probe).run()) {
          best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
      }
      return 2.0 * M * K * N / best;
    }
  }
}
