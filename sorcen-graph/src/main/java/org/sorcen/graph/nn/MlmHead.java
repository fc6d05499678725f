package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Linear(Dd→D) → GELU → LayerNorm(eps 1e-5), then logits against the word table with its gradient
 * stopped (tied but detached), plus a learned V-vector.
 */
public final class MlmHead {
  static final String PREFIX = "mlm_layer";

  private MlmHead() {}

  public static void declare(Variables vars, Initializers init, int decoderWidth, int width, int vocab) {
    Linear.declare(vars, init, PREFIX + ".fc", decoderWidth, width, VariableRole.TRAINABLE);
    LayerNorm.declare(vars, PREFIX + ".ln", width, VariableRole.TRAINABLE);
    // Official shape 1×1×V, kept so that checkpoints load unchanged.
    vars.create(PREFIX + ".bias", Shape.of(1, 1, vocab), VariableRole.TRAINABLE,
        Initializers.zeros(Shape.of(1, 1, vocab)));
  }

  /** h: [B, N, Dd] → logits [B, N, V]. */
  public static Operand<TFloat32> apply(LayerContext ctx, Operand<TFloat32> h) {
    Ops tf = ctx.tf();
    Operand<TFloat32> x = Activations.gelu(tf, Linear.apply(ctx, PREFIX + ".fc", h));
    x = LayerNorm.apply(ctx, PREFIX + ".ln", x, 1e-5);
    Operand<TFloat32> words = tf.stopGradient(ctx.weight(TokenEmbedding.WORDS));
    long n = x.shape().get(1);
    long width = x.shape().get(2);
    long vocab = words.shape().get(0);
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, width}));
    Operand<TFloat32> logits = ctx.precision().matMulTransposeB(tf, flat, words);
    logits = tf.reshape(logits, tf.constant(new long[] {-1, n, vocab}));
    return tf.math.add(logits, ctx.weight(PREFIX + ".bias"));
  }
}
