package org.sorcen.graph.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.nn.RandomStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** torchvision's RandomResizedCrop.get_params drawn in-graph from the run's counter-based stream. */
class RandomResizedCropTest {
  static final int B = 256;

  record Draw(int[] boxes, boolean[] flips) {}

  /** Boxes drawn for a step of the stream of {@code seed}, on H×W images. */
  static Draw draw(long seed, long step, int h, int w, double scaleMin) {
    try (Graph g = new Graph();
        Session s = new Session(g);
        TInt64 at = TInt64.scalarOf(step)) {
      Ops tf = Ops.create(g);
      Placeholder<TInt64> stepIn = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      RandomStream random = new RandomStream(stepIn, seed);
      Operand<TFloat32> u =
          random.uniformRows(tf, tf.constant(new int[] {B, RandomResizedCrop.UNIFORMS}));
      CropBoxes c = RandomResizedCrop.sample(tf, h, w, scaleMin, 1.0, true, u);
      try (Result r = s.runner().feed(stepIn, at).fetch(c.boxes()).fetch(c.flips()).run()) {
        return new Draw(ints((TInt32) r.get(0)), bools((TBool) r.get(1)));
      }
    }
  }

  static int[] ints(TInt32 t) {
    int[] v = new int[(int) t.shape().size()];
    t.copyTo(DataBuffers.of(v, false, false));
    return v;
  }

  static boolean[] bools(TBool t) {
    boolean[] v = new boolean[(int) t.shape().size()];
    t.copyTo(DataBuffers.of(v, false, false));
    return v;
  }

  @Test
  void drawnBoxesFitTheImageAndRespectTheScaleAndRatioBounds() {
    int h = 28;
    int w = 28;
    Draw d = draw(3, 7, h, w, 0.2);
    int flipped = 0;
    double smallest = 1;
    for (int b = 0; b < B; b++) {
      int top = d.boxes()[4 * b];
      int left = d.boxes()[4 * b + 1];
      int bh = d.boxes()[4 * b + 2];
      int bw = d.boxes()[4 * b + 3];
      assertTrue(
          top >= 0 && left >= 0 && bh >= 1 && bw >= 1 && top + bh <= h && left + bw <= w,
          "box " + b);
      // round(√(A·r)) and round(√(A/r)): each side off by at most ½ from the exact one.
      double area = (double) bh * bw / (h * w);
      double lo =
          (Math.sqrt(0.2 * h * w * 0.75) - 0.5)
              * (Math.sqrt(0.2 * h * w / (4.0 / 3)) - 0.5)
              / (h * w);
      assertTrue(area >= lo && area <= 1, "area fraction " + area + " of box " + b);
      double ratio = (double) bw / bh;
      // w/h = r·(1 + δ): each side is the exact √(A·r) or √(A/r) rounded, so off by at most ½.
      double side = Math.sqrt(0.2 * h * w / (4.0 / 3));
      double slack = (side + 0.5) / (side - 0.5);
      assertTrue(
          ratio >= 0.75 / slack && ratio <= 4.0 / 3 * slack, "ratio " + ratio + " of box " + b);
      smallest = Math.min(smallest, area);
      flipped += d.flips()[b] ? 1 : 0;
    }
    assertTrue(smallest < 0.35, "small crops are drawn: smallest area " + smallest);
    assertTrue(flipped > B / 4 && flipped < 3 * B / 4, "about half flipped: " + flipped);
  }

  @Test
  void theDrawIsAFunctionOfSeedAndStepOnly() {
    Draw a = draw(3, 7, 28, 28, 0.2);
    Draw again = draw(3, 7, 28, 28, 0.2);
    assertArrayEquals(a.boxes(), again.boxes());
    assertArrayEquals(a.flips(), again.flips());
    assertFalse(
        Arrays.equals(a.boxes(), draw(3, 8, 28, 28, 0.2).boxes()), "another step, other boxes");
    assertFalse(
        Arrays.equals(a.boxes(), draw(4, 7, 28, 28, 0.2).boxes()), "another seed, other boxes");
  }

  /** No attempt fits (scale 1 at the extreme ratios): torchvision's centre crop within the ratio bounds. */
  @Test
  void whenNoAttemptFitsTheCentreCropIsTaken() {
    assertArrayEquals(new int[] {0, 3, 10, 13}, RandomResizedCrop.fallback(10, 20));
    assertArrayEquals(new int[] {3, 0, 13, 10}, RandomResizedCrop.fallback(20, 10));
    assertArrayEquals(new int[] {0, 0, 8, 8}, RandomResizedCrop.fallback(8, 8));
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      float[] u =
          new float
              [2
                  * RandomResizedCrop
                      .UNIFORMS]; // area 1, ratio 3/4 each time: h = round(√(200/.75)) = 16 > 10
      CropBoxes c =
          RandomResizedCrop.sample(
              tf,
              10,
              20,
              1.0,
              1.0,
              false,
              tf.constant(Shape.of(2, RandomResizedCrop.UNIFORMS), DataBuffers.of(u, true, false)));
      try (Result r = s.runner().fetch(c.boxes()).fetch(c.flips()).run()) {
        assertArrayEquals(new int[] {0, 3, 10, 13, 0, 3, 10, 13}, ints((TInt32) r.get(0)));
        assertArrayEquals(new boolean[] {false, false}, bools((TBool) r.get(1)), "flip off");
      }
    }
  }

  /** The first attempt that fits wins, at its drawn corner (attempt 0 here does not fit, attempt 1 does). */
  @Test
  void theFirstFittingAttemptWins() {
    float[] u = new float[RandomResizedCrop.UNIFORMS];
    // attempt 0: area 1, ratio 3/4: h = round(√133.3) = 12 > 10, no fit; attempt 1: area 0.36,
    // ratio 1
    // (u = ½), corner u = 0.99, 0.
    u[0] = 1f;
    u[4] = (float) ((0.36 - 0.2) / 0.8);
    u[5] = 0.5f;
    u[6] = 0.99f;
    u[7] = 0f;
    u[RandomResizedCrop.UNIFORMS - 1] = 0.2f;
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      CropBoxes c =
          RandomResizedCrop.sample(
              tf,
              10,
              10,
              0.2,
              1.0,
              true,
              tf.constant(Shape.of(1, RandomResizedCrop.UNIFORMS), DataBuffers.of(u, true, false)));
      try (Result r = s.runner().fetch(c.boxes()).fetch(c.flips()).run()) {
        // side round(√36) = 6, corner floor(0.99·5) = 4 and 0
        assertArrayEquals(new int[] {4, 0, 6, 6}, ints((TInt32) r.get(0)));
        assertArrayEquals(new boolean[] {true}, bools((TBool) r.get(1)));
      }
    }
  }
}
