package org.sorcen.graph.tokenizer;

import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * The two inference functions, with a dynamic batch axis: encode (uint8 images → ids, row-major
 * over the G×G grid) and decode (ids → uint8 images of S×S). The same builders serve the exported
 * SavedModel and the tests that compare against it.
 */
public final class TokenizerInference {
  private TokenizerInference() {}

  /** uint8 [B, H_in, W_in, C] → int64 [B, G·G]. */
  public static Operand<TInt64> encode(
      Ops tf, WeightSource w, TokenizerConfig cfg, Operand<TUint8> images) {
    Operand<TFloat32> z = ConvEncoder.apply(tf, w, cfg, Pixels.toUnit(tf, cfg, images));
    Operand<TFloat32> flat = tf.reshape(z, tf.constant(new long[] {-1, cfg.codeDim}));
    Operand<TInt64> ids = VectorQuantizer.nearest(tf, flat, w.weight(EmaCodebook.EMBED));
    return tf.reshape(ids, tf.constant(new long[] {-1, cfg.seqLen()}));
  }

  /** int64 [B, G·G] in [0, C) → uint8 [B, S, S, C]. */
  public static Operand<TUint8> decode(
      Ops tf, WeightSource w, TokenizerConfig cfg, Operand<TInt64> ids) {
    Operand<TFloat32> codes = VectorQuantizer.lookup(tf, w.weight(EmaCodebook.EMBED), ids);
    Operand<TFloat32> grid =
        tf.reshape(codes, tf.constant(new long[] {-1, cfg.grid(), cfg.grid(), cfg.codeDim}));
    return Pixels.toUint8(tf, ConvDecoder.apply(tf, w, cfg, grid));
  }
}
