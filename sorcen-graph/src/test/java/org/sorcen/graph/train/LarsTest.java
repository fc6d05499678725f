package org.sorcen.graph.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Two LARS steps (MAE's lars.py rule) and two SGD-with-momentum steps by hand against the graph. */
class LarsTest {
  static final float[] W0 = {0.5f, -1.0f, 2.0f, 0.25f};
  static final float[] G = {0.3f, -0.2f, 0.0f, 1.5f};

  @Test
  void larsScalesMatricesByTheTrustRatioAndLeavesBiasesPlain() {
    check(0.001, 0.05);
  }

  @Test
  void withoutTrustItIsSgdWithMomentum() {
    check(0, 0);
  }

  private static void check(double trust, double wd) {
    double lr = 0.5;
    double momentum = 0.9;
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Variables vars = new Variables(tf);
      ModelVariable w =
          vars.create(
              "head.weight",
              Shape.of(2, 2),
              VariableRole.TRAINABLE,
              init -> init.constant(new float[][] {{W0[0], W0[1]}, {W0[2], W0[3]}}));
      ModelVariable b =
          vars.create("head.bias", Shape.of(4), VariableRole.TRAINABLE, init -> init.constant(W0));
      Operand<TFloat32> gw = tf.constant(new float[][] {{G[0], G[1]}, {G[2], G[3]}});
      List<Op> ups =
          Lars.updates(
              tf,
              vars,
              List.of(w, b),
              List.of(gw, tf.constant(G)),
              tf.constant((float) lr),
              momentum,
              wd,
              trust);
      Op step = tf.withControlDependencies(ups).noOp();
      s.initialize();
      double[] pw = toDouble(W0);
      double[] pb = toDouble(W0);
      double[] muW = new double[4];
      double[] muB = new double[4];
      for (int t = 1; t <= 2; t++) {
        s.runner().addTarget(step).run().close();
        byHand(pw, muW, lr, momentum, wd, trust, true);
        byHand(pb, muB, lr, momentum, wd, trust, false);
        try (Result r = s.runner().fetch(w.read(tf)).fetch(b.read(tf)).run()) {
          for (int i = 0; i < 4; i++) {
            assertEquals(
                pw[i],
                ((TFloat32) r.get(0)).getFloat(i / 2, i % 2),
                1e-6,
                "weight " + i + " step " + t);
            assertEquals(
                pb[i], ((TFloat32) r.get(1)).getFloat(i), 1e-6, "bias " + i + " step " + t);
          }
        }
      }
    }
  }

  private static void byHand(
      double[] p,
      double[] mu,
      double lr,
      double momentum,
      double wd,
      double trust,
      boolean matrix) {
    double[] d = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      d[i] = G[i] + (matrix ? wd * p[i] : 0);
    }
    double q = 1;
    if (matrix && trust > 0) {
      double pn = Math.sqrt(Arrays.stream(p).map(v -> v * v).sum());
      double dn = Math.sqrt(Arrays.stream(d).map(v -> v * v).sum());
      q = pn > 0 && dn > 0 ? trust * pn / dn : 1;
    }
    for (int i = 0; i < p.length; i++) {
      mu[i] = momentum * mu[i] + d[i] * q;
      p[i] -= lr * mu[i];
    }
  }

  private static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }
}
