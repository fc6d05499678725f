package org.sorcen.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * The in-graph evaluation transform against its definition: sizes and crop offsets as torchvision's
 * Resize(S)/CenterCrop, pixels as an independent double-precision implementation of antialiased Keys
 * bicubic resampling (the algorithm of PIL's BICUBIC), and images of the input size passed unchanged.
 */
class EvalTransformTest {
  @Test
  void resizedSideKeepsTheOfficialRatio() {
    assertEquals(292, EvalTransform.resizedSide(256));
    assertEquals(8, EvalTransform.resizedSide(7));
    assertEquals(32, EvalTransform.resizedSide(28));
  }

  @Test
  void inputSizeImagesPassUnchanged() throws Exception {
    byte[] px = noise(7, 7, 1, 1);
    assertArrayEquals(px, transform(png(px, 7, 7, 1), 7, 7, 1));
    byte[] rgb = noise(6, 5, 3, 2);
    assertArrayEquals(rgb, transform(png(rgb, 6, 5, 3), 6, 5, 3));
  }

  @Test
  void theOfficialVqganTransformResizesInputSizedImagesToo() throws Exception {
    byte[] px = smooth(7, 7, 3, 5);
    byte[] got = transform(png(px, 7, 7, 3), 7, 7, 3, true);
    byte[] want = reference(px, 7, 7, 3, 7, 7, true);
    int maxDiff = 0;
    boolean changed = false;
    for (int i = 0; i < got.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs((got[i] & 0xFF) - (want[i] & 0xFF)));
      changed |= got[i] != px[i];
    }
    assertTrue(maxDiff <= 1, "max pixel difference " + maxDiff);
    assertTrue(
        changed, "an input-sized image must be enlarged and cropped back, not passed unchanged");
  }

  @Test
  void otherSizesAreResizedAndCentreCroppedAsDocumented() throws Exception {
    // (source h, w) → a down-scale with an odd margin (round half to even), an up-scale, a wide and
    // a tall image.
    int[][] sizes = {{14, 14}, {4, 4}, {9, 20}, {23, 11}, {7, 9}};
    for (int[] s : sizes) {
      byte[] px = smooth(s[0], s[1], 1, s[0] * 31 + s[1]);
      byte[] got = transform(png(px, s[0], s[1], 1), 7, 7, 1);
      byte[] want = reference(px, s[0], s[1], 1, 7, 7);
      int maxDiff = 0;
      for (int i = 0; i < got.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs((got[i] & 0xFF) - (want[i] & 0xFF)));
      }
      // float32 in-graph vs double here: a value within rounding distance of .5 may land one level
      // apart.
      assertTrue(maxDiff <= 1, s[0] + "x" + s[1] + ": max pixel difference " + maxDiff);
    }
  }

  /** The documented transform in double precision, written from its definition (not from TensorFlow's code). */
  static byte[] reference(byte[] px, int h, int w, int c, int outH, int outW) {
    return reference(px, h, w, c, outH, outW, false);
  }

  static byte[] reference(
      byte[] px, int h, int w, int c, int outH, int outW, boolean resizeInputSized) {
    int sh = EvalTransform.resizedSide(outH);
    int sw = EvalTransform.resizedSide(outW);
    int rh;
    int rw;
    if (h == outH && w == outW && !resizeInputSized) {
      rh = h;
      rw = w;
    } else if ((long) sh * w >= (long) sw * h) {
      rh = sh;
      rw = (int) ((long) sh * w / h);
    } else {
      rh = (int) ((long) sw * h / w);
      rw = sw;
    }
    double[] rows = new double[rh * w * c];
    for (int x = 0; x < w; x++) {
      for (int ch = 0; ch < c; ch++) {
        double[] col = new double[h];
        for (int y = 0; y < h; y++) {
          col[y] = px[(y * w + x) * c + ch] & 0xFF;
        }
        double[] r = resample1d(col, rh);
        for (int y = 0; y < rh; y++) {
          rows[(y * w + x) * c + ch] = r[y];
        }
      }
    }
    int top = (int) Math.rint((rh - outH) / 2.0);
    int left = (int) Math.rint((rw - outW) / 2.0);
    byte[] out = new byte[outH * outW * c];
    for (int y = 0; y < outH; y++) {
      for (int ch = 0; ch < c; ch++) {
        double[] line = new double[w];
        for (int x = 0; x < w; x++) {
          line[x] = rows[((y + top) * w + x) * c + ch];
        }
        double[] r = resample1d(line, rw);
        for (int x = 0; x < outW; x++) {
          out[(y * outW + x) * c + ch] = (byte) Math.max(0, Math.min(255, Math.rint(r[x + left])));
        }
      }
    }
    return out;
  }

  /** Antialiased Keys cubic (a = −0.5) with half-pixel centres, weights renormalised over in-range taps. */
  static double[] resample1d(double[] in, int outSize) {
    double scale = (double) outSize / in.length;
    double support = 2 * Math.max(1, 1 / scale);
    double[] out = new double[outSize];
    for (int o = 0; o < outSize; o++) {
      double centre = (o + 0.5) / scale;
      double sum = 0;
      double norm = 0;
      for (int i = (int) Math.floor(centre - support) - 1;
          i <= (int) Math.ceil(centre + support) + 1;
          i++) {
        if (i < 0 || i >= in.length) {
          continue;
        }
        double wgt = keys((i + 0.5 - centre) / Math.max(1, 1 / scale));
        sum += wgt * in[i];
        norm += wgt;
      }
      out[o] = sum / norm;
    }
    return out;
  }

  static double keys(double x) {
    double a = -0.5;
    x = Math.abs(x);
    if (x < 1) {
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    }
    if (x < 2) {
      return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    }
    return 0;
  }

  static byte[] transform(byte[] encoded, int h, int w, int c) {
    return transform(encoded, h, w, c, false);
  }

  static byte[] transform(byte[] encoded, int h, int w, int c, boolean resizeInputSized) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TString> in = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
      Operand<TUint8> out = EvalTransform.batch(tf, in, h, w, c, resizeInputSized);
      try (Session s = new Session(g);
          TString t = TString.tensorOfBytes(NdArrays.vectorOfObjects(new byte[][] {encoded}));
          Result r = s.runner().feed(in, t).fetch(out).run()) {
        TUint8 img = (TUint8) r.get(0);
        assertEquals(Shape.of(1, h, w, c), img.shape());
        byte[] px = new byte[h * w * c];
        img.copyTo(DataBuffers.of(px, false, false));
        return px;
      }
    }
  }

  static byte[] png(byte[] px, int h, int w, int c) throws Exception {
    BufferedImage img =
        new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = (y * w + x) * c;
        if (c == 1) {
          img.getRaster().setSample(x, y, 0, px[p] & 0xFF);
        } else {
          img.setRGB(x, y, (px[p] & 0xFF) << 16 | (px[p + 1] & 0xFF) << 8 | (px[p + 2] & 0xFF));
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  static byte[] noise(int h, int w, int c, long seed) {
    byte[] px = new byte[h * w * c];
    new Random(seed).nextBytes(px);
    return px;
  }

  /** A smooth gradient with a bright square: values away from the clip limits, edges to resample. */
  static byte[] smooth(int h, int w, int c, long seed) {
    Random r = new Random(seed);
    byte[] px = new byte[h * w * c];
    int y0 = r.nextInt(Math.max(1, h / 2));
    int x0 = r.nextInt(Math.max(1, w / 2));
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int ch = 0; ch < c; ch++) {
          int v =
              30
                  + 120 * (x + y) / (h + w)
                  + (y >= y0 && y < y0 + h / 2 && x >= x0 && x < x0 + w / 2 ? 90 : 0);
          px[(y * w + x) * c + ch] = (byte) v;
        }
      }
    }
    return px;
  }
}
