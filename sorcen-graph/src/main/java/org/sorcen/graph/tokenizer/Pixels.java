package org.sorcen.graph.tokenizer;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** The uint8 interface of the tokenizer: inputs padded to S×S and scaled to [0, 1], outputs clipped and rounded. */
public final class Pixels {
  private Pixels() {}

  /** uint8 [B, H_in, W_in, C] to float [B, S, S, C] in [0, 1], zero-padded with the input centred. */
  public static Operand<TFloat32> toUnit(Ops tf, TokenizerConfig cfg, Operand<TUint8> images) {
    Operand<TFloat32> x = tf.math.div(tf.dtypes.cast(images, TFloat32.class), tf.constant(255f));
    int top = cfg.padTop();
    int left = cfg.padLeft();
    int bottom = cfg.imageSize - cfg.inputHeight - top;
    int right = cfg.imageSize - cfg.inputWidth - left;
    if (top + bottom + left + right == 0) {
      return x;
    }
    return tf.pad(
        x,
        tf.constant(new int[][] {{0, 0}, {top, bottom}, {left, right}, {0, 0}}),
        tf.constant(0f));
  }

  /** Float pixels in [0, 1] units to uint8: clipped to [0, 1], then rounded to the nearest level. */
  public static Operand<TUint8> toUint8(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> clipped = tf.clipByValue(x, tf.constant(0f), tf.constant(1f));
    return tf.dtypes.cast(tf.math.round(tf.math.mul(clipped, tf.constant(255f))), TUint8.class);
  }
}
