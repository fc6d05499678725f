package org.sorcen.graph.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/** Fed boxes: the crop a box names, resized as PIL resizes, and mirrored where the flag says. */
class ResizedCropTest {
  static final int H = 6;
  static final int W = 8;

  /** Pixel (b, y, x, c) = 10·y + x + 60·b + 120·c: below 256 for two images of two channels. */
  static byte[] ramp(int batch, int channels) {
    byte[] px = new byte[batch * H * W * channels];
    int k = 0;
    for (int b = 0; b < batch; b++) {
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          for (int c = 0; c < channels; c++) {
            px[k++] = (byte) (10 * y + x + 60 * b + 120 * c);
          }
        }
      }
    }
    return px;
  }

  static int[] run(
      byte[] pixels,
      int batch,
      int channels,
      int[] boxes,
      boolean[] flips,
      int outH,
      int outW,
      ResizedCrop.Filter filter) {
    try (Graph g = new Graph();
        Session s = new Session(g);
        TUint8 img =
            TUint8.tensorOf(Shape.of(batch, H, W, channels), DataBuffers.of(pixels, true, false));
        TInt32 box = TInt32.tensorOf(Shape.of(batch, 4), DataBuffers.of(boxes, true, false));
        TBool flip = TBool.tensorOf(Shape.of(batch), DataBuffers.of(flips, true, false))) {
      Ops tf = Ops.create(g);
      var i = tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, H, W, channels)));
      var b = tf.placeholder(TInt32.class);
      var f = tf.placeholder(TBool.class);
      var out = ResizedCrop.apply(tf, i, new CropBoxes(b, f), outH, outW, filter);
      try (Result r = s.runner().feed(i, img).feed(b, box).feed(f, flip).fetch(out).run()) {
        TUint8 t = (TUint8) r.get(0);
        assertArrayEquals(new long[] {batch, outH, outW, channels}, t.shape().asArray());
        byte[] got = new byte[(int) t.shape().size()];
        t.copyTo(DataBuffers.of(got, false, false));
        int[] v = new int[got.length];
        for (int k = 0; k < got.length; k++) {
          v[k] = got[k] & 0xFF;
        }
        return v;
      }
    }
  }

  @Test
  void aBoxOfTheOutputSizeIsTheExactCropWithEitherFilter() {
    for (ResizedCrop.Filter filter : ResizedCrop.Filter.values()) {
      // image 0: rows 1..4, columns 2..5; image 1: rows 0..3, columns 4..7.
      int[] got =
          run(
              ramp(2, 2),
              2,
              2,
              new int[] {1, 2, 4, 4, 0, 4, 4, 4},
              new boolean[] {false, false},
              4,
              4,
              filter);
      int k = 0;
      for (int b = 0; b < 2; b++) {
        int top = b == 0 ? 1 : 0;
        int left = b == 0 ? 2 : 4;
        for (int y = 0; y < 4; y++) {
          for (int x = 0; x < 4; x++) {
            for (int c = 0; c < 2; c++) {
              assertEquals(
                  10 * (y + top) + x + left + 60 * b + 120 * c,
                  got[k++],
                  filter + " b" + b + " y" + y + " x" + x);
            }
          }
        }
      }
    }
  }

  @Test
  void aFlipMirrorsOnlyItsOwnImage() {
    int[] box = {1, 2, 4, 4, 1, 2, 4, 4};
    int[] plain =
        run(ramp(2, 1), 2, 1, box, new boolean[] {false, false}, 4, 4, ResizedCrop.Filter.BILINEAR);
    int[] flipped =
        run(ramp(2, 1), 2, 1, box, new boolean[] {false, true}, 4, 4, ResizedCrop.Filter.BILINEAR);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        assertEquals(plain[y * 4 + x], flipped[y * 4 + x], "image 0 unchanged");
        assertEquals(plain[16 + y * 4 + x], flipped[16 + y * 4 + (3 - x)], "image 1 mirrored");
      }
    }
  }

  /**
   * Halving a 4×4 crop with PIL's bilinear filter: the triangle stretched to support 2, centred on
   * 2o + 1, weighs columns 2o−1, 2o, 2o+1, 2o+2 by 1/4, 3/4, 3/4, 1/4, cut at the crop's edges and
   * renormalised. On the ramp 10·y + x (linear, so every interior weighting gives the centre value)
   * the edge output o = 0 has weights 3/4, 3/4, 1/4 over columns 0..2: (0·3 + 1·3 + 2·1)/7 = 5/7.
   */
  @Test
  void halvingUsesPilsStretchedTriangleCutAtTheCropEdges() {
    int[] got =
        run(
            ramp(1, 1),
            1,
            1,
            new int[] {0, 0, 4, 4},
            new boolean[] {false},
            2,
            2,
            ResizedCrop.Filter.BILINEAR);
    double left = (0.75 * 0 + 0.75 * 1 + 0.25 * 2) / 1.75;
    double right = (0.25 * 1 + 0.75 * 2 + 0.75 * 3) / 1.75;
    double top = left; // the same weights down the rows, on 10·y
    double bottom = right;
    int l = (int) Math.floor(left + 0.5);
    int r = (int) Math.floor(right + 0.5);
    // The vertical pass sees the horizontally rounded columns: 10·y + l or 10·y + r.
    assertEquals((int) Math.floor(10 * top + l + 0.5), got[0]);
    assertEquals((int) Math.floor(10 * top + r + 0.5), got[1]);
    assertEquals((int) Math.floor(10 * bottom + l + 0.5), got[2]);
    assertEquals((int) Math.floor(10 * bottom + r + 0.5), got[3]);
  }

  /**
   * PIL's own output (Pillow 13.0.0, {@code Image.crop(box).resize((6, 5), filter)} on a 6×8 "L" image
   * of (37·y² + 11·x³ + 5·x·y) mod 256): a 6×7 box shrunk to 5×6 and a 3×4 box enlarged to it, with
   * both filters. Values where a float32 resize lands near a half differ unless PIL's fixed point
   * is reproduced.
   */
  @Test
  void bothFiltersGivePilsOwnValues() {
    byte[] px = new byte[H * W];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        px[y * W + x] = (byte) ((37 * y * y + 11 * x * x * x + 5 * x * y) % 256);
      }
    }
    byte[] two = new byte[2 * H * W];
    System.arraycopy(px, 0, two, 0, px.length);
    System.arraycopy(px, 0, two, px.length, px.length);
    int[] boxes = {0, 1, 6, 7, 1, 2, 3, 4};
    int[] bilinear = {
      34, 83, 119, 150, 93, 138, 93, 103, 167, 153, 103, 65, 129, 127, 151, 123, 135, 133, 126, 195,
      137, 95, 97, 131, 157, 68, 105, 132, 100, 51, 135, 114, 119, 223, 203, 157, 81, 112, 153, 190,
      154, 109, 0, 110, 203, 140, 81, 37, 117, 151, 170, 109, 128, 163, 195, 179, 148, 88, 160, 247
    };
    int[] bicubic = {
      25, 80, 114, 161, 86, 145, 91, 92, 179, 159, 92, 52, 132, 121, 155, 118, 144, 138, 119, 217,
      134, 87, 96, 137, 167, 49, 104, 139, 94, 41, 148, 106, 102, 242, 219, 160, 81, 104, 152, 206,
      157, 99, 0, 109, 221, 143, 72, 31, 122, 158, 179, 93, 123, 171, 212, 191, 142, 68, 167, 255
    };
    assertArrayEquals(
        bilinear, run(two, 2, 1, boxes, new boolean[2], 5, 6, ResizedCrop.Filter.BILINEAR));
    assertArrayEquals(
        bicubic, run(two, 2, 1, boxes, new boolean[2], 5, 6, ResizedCrop.Filter.BICUBIC));
  }
}
