package org.sorcen.graph.vqgan;

import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * taming's {@code VectorQuantizer2} at inference: the nearest code of each position by the official
 * formula d = Σz² + Σe² − 2·z·eᵀ (all three terms, in that order: dropping Σz², which cannot change
 * the exact argmin, changes float32 rounding and so the rare near-tie), the first index on a tie
 * (argmin), ids in the official order (positions row-major over the grid: {@code b c h w -> b h w c}).
 * Decoding looks the ids up ({@code get_codebook_entry}).
 */
final class VqganQuantizer {
  static final String EMBEDDING = "quantize.embedding.weight";

  private VqganQuantizer() {}

  static void declare(Variables vars, VqganConfig cfg) {
    Shape s = Shape.of(cfg.nEmbed, cfg.embedDim);
    vars.create(EMBEDDING, s, VariableRole.TRAINABLE, Initializers.zeros(s));
  }

  /** z [B, G, G, D] → int64 [B, G·G]. */
  static Operand<TInt64> encode(Ops tf, WeightSource w, VqganConfig cfg, Operand<TFloat32> z) {
    Operand<TFloat32> e = w.weight(EMBEDDING);
    Operand<TFloat32> flat = tf.reshape(z, tf.constant(new long[] {-1, cfg.embedDim}));
    Operand<TFloat32> zz =
        tf.reduceSum(tf.math.square(flat), tf.constant(1), ReduceSum.keepDims(true));
    Operand<TFloat32> ee = tf.reduceSum(tf.math.square(e), tf.constant(1));
    Operand<TFloat32> ze = tf.linalg.matMul(flat, e, MatMul.transposeB(true));
    Operand<TFloat32> d = tf.math.sub(tf.math.add(zz, ee), tf.math.mul(tf.constant(2f), ze));
    Operand<TInt64> ids = tf.math.argMin(d, tf.constant(1), TInt64.class);
    return tf.reshape(ids, tf.constant(new long[] {-1, cfg.seqLen()}));
  }

  /** int64 [B, G·G] → z_q [B, G, G, D]. */
  static Operand<TFloat32> decode(Ops tf, WeightSource w, VqganConfig cfg, Operand<TInt64> ids) {
    Operand<TFloat32> codes = tf.gather(w.weight(EMBEDDING), ids, tf.constant(0));
    return tf.reshape(codes, tf.constant(new long[] {-1, cfg.grid(), cfg.grid(), cfg.embedDim}));
  }
}
