package org.sorcen.graph.vqgan;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * MAGE's pixel conventions around the VQGAN. In: main_pretrain.py's transform ends in
 * {@code transforms.ToTensor()} and nothing normalises after it, so the VQGAN sees
 * {@code uint8 / 255} in [0, 1]. Out: gen_img_uncond.py writes
 * {@code np.clip(x * 255, 0, 255).astype(np.uint8)}: scaled, clipped, then truncated (not rounded).
 * Its {@code [:, :, ::-1]} only hands BGR to cv2.imwrite; the images here stay RGB.
 */
final class VqganPixels {
  private static final float LEVELS = 255f;

  private VqganPixels() {}

  static Operand<TFloat32> toInput(Ops tf, Operand<TUint8> images) {
    return tf.math.div(tf.dtypes.cast(images, TFloat32.class), tf.constant(LEVELS));
  }

  static Operand<TUint8> toUint8(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> clipped =
        tf.clipByValue(tf.math.mul(x, tf.constant(LEVELS)), tf.constant(0f), tf.constant(LEVELS));
    return tf.dtypes.cast(tf.math.floor(clipped), TUint8.class);
  }
}
