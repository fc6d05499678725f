package org.sorcen.export;

import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ScaleAndTranslate;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Encoded images (JPEG/PNG) to the tokenizer's uint8 input, in-graph: the official evaluation
 * transform of the linear probe (ImaGonEs/LEASE {@code main_linprobe.py}: {@code Resize(292,
 * interpolation=3)}, {@code CenterCrop(256)}, i.e. PIL bicubic on the shorter side to 292/256 of the
 * crop side, then the centre crop) generalised to an H×W input:
 * <ol>
 *   <li>decode with the tokenizer's channel count (TensorFlow's decoders convert colour to grey and back);
 *   <li>an image already H×W is taken as it is when the tokenizer says so (see below); any other is resized, keeping its aspect
 *       ratio, so that it covers S_h × S_w with S = round(side·292/256): the binding side becomes exactly
 *       S and the other floor(S·long/short), which for a square input is torchvision's {@code Resize(S)};
 *   <li>centre crop to H×W at offsets round-half-even((r − H)/2), as torchvision's {@code CenterCrop}
 *       (Python's {@code round});
 *   <li>pixels rounded to the nearest integer and clipped to [0, 255].
 * </ol>
 *
 * <p><b>Resampling</b>: TensorFlow's {@code ScaleAndTranslate} with the Keys cubic kernel (a = −0.5),
 * antialiased (the kernel widened by the down-scaling factor, weights renormalised at the borders) —
 * PIL's BICUBIC algorithm, not {@code ResizeBicubic} (no antialiasing, clamped borders). It is not
 * bit-identical to PIL: PIL computes in fixed point and rounds to 8 bits between its horizontal and
 * vertical passes; this computes both passes in float32 and rounds once. The difference is measured in
 * results/performance.md ("{@code image_bytes} resampling against PIL").
 *
 * <p><b>Images of the input size</b>: for MAGE's VQGAN ({@code ImageTokenizer.resizesInputSizedImages})
 * they are resized like any other, as the official transform does (a 256² image is enlarged to 292²
 * and its centre cropped back). For our own tokenizers they are taken unchanged: that is what the
 * tokenizer saw when the training tokens were made ({@code ./sorcen tokenize} feeds them as they
 * are), so the embedding of an image equals the embedding of its tokens.
 */
public final class EvalTransform {
  /** Official {@code Resize(292)} before {@code CenterCrop(256)}: the resized side per crop side. */
  public static final int RESIZE_NUMERATOR = 292;

  public static final int RESIZE_DENOMINATOR = 256;

  /** PIL's BICUBIC is Keys' cubic convolution with a = −0.5; ScaleAndTranslate names it so. */
  public static final String KERNEL = "keyscubic";

  private static final float MAX_PIXEL = 255f;

  private EvalTransform() {}

  /** The side S an input side is resized to (before the crop) when the image is not already that size. */
  public static int resizedSide(int inputSide) {
    return (int) Math.round((double) inputSide * RESIZE_NUMERATOR / RESIZE_DENOMINATOR);
  }

  /**
   * encoded [B] strings → uint8 [B, H, W, C], one image at a time (their sizes differ) through a
   * tf.data map, gathered into one batch in-graph. B must be at least 1.
   */
  static Operand<TUint8> batch(
      Ops tf, Operand<TString> encoded, int h, int w, int c, boolean resizeInputSized) {
    ConcreteFunction one =
        ConcreteFunction.create(
            f -> {
              Placeholder<TString> bytes =
                  f.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
              return Signature.builder()
                  .key("eval_transform")
                  .input("bytes", bytes)
                  .output("image", single(f, bytes, h, w, c, resizeInputSized))
                  .build();
            });
    Shape imageShape = Shape.of(h, w, c);
    Operand<?> slices = tf.data.tensorSliceDataset(List.of(encoded), List.of(Shape.scalar()));
    Operand<?> mapped =
        tf.data.mapDataset(slices, List.of(), one, List.of(TUint8.class), List.of(imageShape));
    Operand<TInt64> count = tf.dtypes.cast(tf.shape(encoded), TInt64.class);
    Operand<TInt64> batchSize =
        tf.math.maximum(tf.reshape(count, tf.constant(new long[0])), tf.constant(1L));
    Operand<?> batched =
        tf.data.batchDataset(
            mapped,
            batchSize,
            tf.constant(false),
            List.of(TUint8.class),
            List.of(Shape.of(-1, h, w, c)));
    @SuppressWarnings("unchecked")
    Operand<TUint8> images =
        (Operand<TUint8>)
            tf.data
                .datasetToSingleElement(
                    batched, List.of(TUint8.class), List.of(Shape.of(-1, h, w, c)))
                .components()
                .get(0);
    return images;
  }

  /** One encoded image (scalar string) → uint8 [H, W, C]. */
  static Operand<TUint8> single(
      Ops tf, Operand<TString> bytes, int h, int w, int c, boolean resizeInputSized) {
    Operand<TUint8> img =
        tf.image.decodeImage(
            bytes,
            TUint8.class,
            DecodeImage.channels((long) c),
            DecodeImage.expandAnimations(false));
    Operand<TUint8> one = pixels(tf, tf.expandDims(img, tf.constant(0)), h, w, c, resizeInputSized);
    return tf.reshape(one, tf.constant(new long[] {h, w, c}));
  }

  /**
   * Decoded images of one size, uint8 [B, h_in, w_in, C] → [B, H, W, C], the steps after decoding.
   * Each image is resampled on its own, so a batch gives what its images give one at a time.
   */
  public static Operand<TUint8> pixels(
      Ops tf, Operand<TUint8> images, int h, int w, int c, boolean resizeInputSized) {
    Operand<TInt64> dims = tf.dtypes.cast(tf.shape(images), TInt64.class);
    Operand<TInt64> ih = tf.gather(dims, tf.constant(1), tf.constant(0));
    Operand<TInt64> iw = tf.gather(dims, tf.constant(2), tf.constant(0));
    Operand<TInt64> sh = tf.constant((long) resizedSide(h));
    Operand<TInt64> sw = tf.constant((long) resizedSide(w));
    // Which side binds: S_h/ih >= S_w/iw, compared exactly in integers.
    Operand<TBool> heightBinds = tf.math.greaterEqual(tf.math.mul(sh, iw), tf.math.mul(sw, ih));
    Operand<TInt64> rh = tf.select(heightBinds, sh, tf.math.floorDiv(tf.math.mul(sw, ih), iw));
    Operand<TInt64> rw = tf.select(heightBinds, tf.math.floorDiv(tf.math.mul(sh, iw), ih), sw);
    Operand<TBool> exact =
        tf.math.logicalAnd(
            tf.constant(!resizeInputSized),
            tf.math.logicalAnd(
                tf.math.equal(ih, tf.constant((long) h)),
                tf.math.equal(iw, tf.constant((long) w))));
    rh = tf.select(exact, tf.constant((long) h), rh);
    rw = tf.select(exact, tf.constant((long) w), rw);
    Operand<TInt64> size = tf.stack(List.of(rh, rw));
    Operand<TFloat32> scale =
        tf.math.div(
            tf.dtypes.cast(size, TFloat32.class),
            tf.dtypes.cast(tf.stack(List.of(ih, iw)), TFloat32.class));
    // At scale 1 the Keys kernel weighs the centre tap 1 and its neighbours 0: an H×W image passes
    // unchanged.
    Operand<TFloat32> resized =
        tf.image.scaleAndTranslate(
            images,
            tf.dtypes.cast(size, TInt32.class),
            scale,
            tf.constant(new float[] {0f, 0f}),
            ScaleAndTranslate.kernelType(KERNEL),
            ScaleAndTranslate.antialias(true));
    Operand<TInt64> top = centreOffset(tf, rh, h);
    Operand<TInt64> left = centreOffset(tf, rw, w);
    Operand<TFloat32> crop =
        tf.slice(
            resized,
            tf.stack(List.of(tf.constant(0L), top, left, tf.constant(0L))),
            tf.constant(new long[] {-1, h, w, c}));
    Operand<TFloat32> pixels =
        tf.clipByValue(tf.math.round(crop), tf.constant(0f), tf.constant(MAX_PIXEL));
    return tf.dtypes.cast(pixels, TUint8.class);
  }

  /** torchvision's {@code int(round((r − side) / 2.0))}: Python rounds halves to even, as TF's Round does. */
  private static Operand<TInt64> centreOffset(Ops tf, Operand<TInt64> resized, int side) {
    Operand<TFloat32> half =
        tf.math.div(
            tf.dtypes.cast(tf.math.sub(resized, tf.constant((long) side)), TFloat32.class),
            tf.constant(2f));
    return tf.dtypes.cast(tf.math.round(half), TInt64.class);
  }
}
