package org.sorcen.graph.train;

import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.MaskSample;
import org.sorcen.graph.model.Masking;
import org.sorcen.graph.nn.RandomStream;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Masks and echo fed from outside (the official one-step fixture). The number of dropped positions
 * per row must be the config's n_drop, since the encoder's kept length is static.
 */
record FedStepInputs(Operand<TBool> dropped, Operand<TBool> masked, Operand<TInt64> echoGrid) implements StepInputs {
  @Override
  public MaskSample masks(Ops tf, SorcenConfig config, Operand<TInt64> tokens, RandomStream random) {
    int seqLen = config.model.seqLen();
    Operand<TFloat32> rate = tf.math.mean(tf.dtypes.cast(masked, TFloat32.class), tf.constant(new int[] {0, 1}));
    return new MaskSample(dropped, masked,
        Masking.keptPositions(tf, dropped, seqLen, seqLen - config.masking.numDropped(seqLen)), rate);
  }

  @Override
  public Operand<TInt64> echo(Ops tf, SorcenConfig config, Operand<TInt64> tokens, Operand<TFloat32> logits,
      Schedules schedules, RandomStream random) {
    return echoGrid;
  }
}
