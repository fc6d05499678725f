package org.sorcen.graph.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.RandomStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** ALGORITHM.md §4.8: one crop side per batch in [G/2, G], a random s×s square per row, MASK outside. */
class SpatialMaskTest {
  private static final int G = 8;
  private static final int L = G * G;
  private static final int B = 32;
  private static final int C = 64;

  @Test
  void cropsAreSquaresOfTheDrawnSideAndKeepTheEchoInside() {
    SorcenConfig cfg = new SorcenConfig();
    cfg.model.grid = G;
    cfg.model.codebookSize = C;
    long maskId = cfg.model.maskId();
    int lo = G / 2;
    int steps = 200;
    int[] sideCounts = new int[G + 1];
    // cornerCounts[s][axis][value]
    int[][][] cornerCounts = new int[G + 1][2][G];
    int rowsWithVaryingCorner = 0;
    int batchesBelowG = 0;

    Random rnd = new Random(7);
    long[] ids = new long[B * L];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = rnd.nextInt(C);
    }
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TInt64> step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TInt64> echo = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, L)));
      SpatialMask.Crop crop =
          SpatialMask.sample(tf, cfg.model, cfg.masking, echo, new RandomStream(step, 21));
      Operand<TInt64> out = SpatialMask.apply(tf, cfg.model, echo, crop);
      try (TInt64 et = TInt64.tensorOf(Shape.of(B, L), DataBuffers.of(ids, true, false))) {
        for (long st = 0; st < steps; st++) {
          int side;
          boolean[] inside = new boolean[B * L];
          long[] masked = new long[B * L];
          try (TInt64 stt = TInt64.scalarOf(st);
              Result r =
                  s.runner()
                      .feed(step, stt)
                      .feed(echo, et)
                      .fetch(crop.side())
                      .fetch(crop.inside())
                      .fetch(out)
                      .run()) {
            TInt32 sideT = (TInt32) r.get(0);
            assertEquals(0, sideT.shape().numDimensions(), "one crop side per batch");
            side = sideT.getInt();
            TBool in = (TBool) r.get(1);
            TInt64 o = (TInt64) r.get(2);
            assertEquals(Shape.of(B, L), in.shape());
            assertEquals(Shape.of(B, L), o.shape());
            in.copyTo(DataBuffers.of(inside, false, false));
            o.copyTo(DataBuffers.of(masked, false, false));
          }
          assertTrue(
              side >= lo && side <= G, "crop side " + side + " outside [" + lo + ", " + G + "]");
          sideCounts[side]++;
          Set<Integer> corners = new HashSet<>();
          for (int b = 0; b < B; b++) {
            int n = 0;
            int nonMask = 0;
            int minR = G;
            int minC = G;
            int maxR = -1;
            int maxC = -1;
            for (int i = 0; i < L; i++) {
              int p = b * L + i;
              if (masked[p] != maskId) {
                nonMask++;
              }
              if (inside[p]) {
                n++;
                minR = Math.min(minR, i / G);
                maxR = Math.max(maxR, i / G);
                minC = Math.min(minC, i % G);
                maxC = Math.max(maxC, i % G);
                assertEquals(ids[p], masked[p], "inside the square the echo id is kept");
              } else {
                assertEquals(maskId, masked[p], "outside the square the id is MASK");
              }
            }
            assertEquals(side * side, n, "inside count, step " + st + " row " + b);
            assertEquals(side * side, nonMask, "non-MASK count, step " + st + " row " + b);
            // s² positions whose bounding box is s×s: exactly the full square.
            assertEquals(side, maxR - minR + 1, "square height");
            assertEquals(side, maxC - minC + 1, "square width");
            assertTrue(minR >= 0 && maxR < G && minC >= 0 && maxC < G);
            cornerCounts[side][0][minR]++;
            cornerCounts[side][1][minC]++;
            corners.add(minR * G + minC);
          }
          if (side < G) {
            batchesBelowG++;
            if (corners.size() > 1) {
              rowsWithVaryingCorner++;
            }
          } else {
            assertEquals(Set.of(0), corners, "a G×G crop has its corner at 0");
          }
        }
      }
    }
    for (int side = lo; side <= G; side++) {
      assertTrue(sideCounts[side] > 0, "crop side " + side + " never drawn in " + steps + " steps");
      // Uniform over G − G/2 + 1 = 5 sides: expected 40 each, binomial sd ≈ 5.7.
      double p = 1.0 / (G - lo + 1);
      double sd = Math.sqrt(steps * p * (1 - p));
      assertEquals(steps * p, sideCounts[side], 5 * sd, "count of side " + side);
    }
    assertTrue(batchesBelowG > 0);
    assertEquals(
        batchesBelowG,
        rowsWithVaryingCorner,
        "the corner does not vary across the rows of a batch");
    // Corners are uniform over [0, G − s] on each axis.
    for (int side = lo; side < G; side++) {
      int places = G - side + 1;
      for (int axis = 0; axis < 2; axis++) {
        int total = 0;
        for (int v = 0; v < G; v++) {
          total += cornerCounts[side][axis][v];
        }
        for (int v = 0; v < G; v++) {
          if (v >= places) {
            assertEquals(
                0,
                cornerCounts[side][axis][v],
                "corner " + v + " with side " + side + " does not fit");
          } else {
            double p = 1.0 / places;
            double sd = Math.sqrt(total * p * (1 - p));
            assertEquals(
                total * p,
                cornerCounts[side][axis][v],
                5 * sd + 1,
                "corner value " + v + " on axis " + axis + " for side " + side);
          }
        }
      }
    }
  }

  @Test
  void explicitCropBoundsAndGrid4() {
    // grid 4 with crop sides forced to [3, 3]: every row keeps a 3×3 square.
    SorcenConfig cfg = new SorcenConfig();
    cfg.model.grid = 4;
    cfg.model.codebookSize = C;
    cfg.masking.cropMin = 3;
    cfg.masking.cropMax = 3;
    int len = 16;
    int batch = 16;
    long[] ids = new long[batch * len];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i % C;
    }
    Set<Integer> corners = new HashSet<>();
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TInt64> echo =
          tf.constant(NdArrays.wrap(Shape.of(batch, len), DataBuffers.of(ids, true, false)));
      Placeholder<TInt64> step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      SpatialMask.Crop crop =
          SpatialMask.sample(tf, cfg.model, cfg.masking, echo, new RandomStream(step, 1));
      Operand<TInt64> out = SpatialMask.apply(tf, cfg.model, echo, crop);
      for (long st = 0; st < 10; st++) {
        try (TInt64 stt = TInt64.scalarOf(st);
            Result r = s.runner().feed(step, stt).fetch(crop.side()).fetch(out).run()) {
          assertEquals(3, ((TInt32) r.get(0)).getInt());
          long[] o = new long[batch * len];
          ((TInt64) r.get(1)).copyTo(DataBuffers.of(o, false, false));
          for (int b = 0; b < batch; b++) {
            int first = -1;
            int n = 0;
            for (int i = 0; i < len; i++) {
              if (o[b * len + i] != cfg.model.maskId()) {
                if (first < 0) {
                  first = i;
                }
                n++;
              }
            }
            assertEquals(9, n);
            int top = first / 4;
            int left = first % 4;
            for (int i = 0; i < len; i++) {
              int row = i / 4;
              int col = i % 4;
              boolean in = row >= top && row < top + 3 && col >= left && col < left + 3;
              assertEquals(in ? ids[b * len + i] : cfg.model.maskId(), o[b * len + i]);
            }
            corners.add(first);
          }
        }
      }
    }
    // 4 possible corners (0, 1, 4, 5), 160 rows: all of them appear.
    assertEquals(Set.of(0, 1, 4, 5), corners);
  }
}
