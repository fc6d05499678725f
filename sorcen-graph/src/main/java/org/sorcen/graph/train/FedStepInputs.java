package org.sorcen.graph.train;

import org.sorcen.graph.augment.CropBoxes;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.MaskSample;
import org.sorcen.graph.model.Masking;
import org.sorcen.graph.nn.RandomStream;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Masks, echo and (for raw images) crops fed from outside (the official one-step fixture). The number of dropped positions
 * per row must be the config's n_drop, since the encoder's kept length is static.
 */
record FedStepInputs(
    Operand<TBool> dropped, Operand<TBool> masked, Operand<TInt64> echoGrid, CropBoxes fedCrops)
    implements StepInputs {
  @Override
  public CropBoxes crops(Ops tf, SorcenConfig config, Operand<TUint8> images, RandomStream random) {
    if (fedCrops == null) {
      throw new IllegalStateException(
          "a step on raw images needs fed crops: use StepInputs.fed(..., crops)");
    }
    return fedCrops;
  }

  @Override
  public MaskSample masks(
      Ops tf, SorcenConfig config, Operand<TInt64> tokens, RandomStream random) {
    int seqLen = config.model.seqLen();
    Operand<TFloat32> rate =
        tf.math.mean(tf.dtypes.cast(masked, TFloat32.class), tf.constant(new int[] {0, 1}));
    return new MaskSample(
        dropped,
        masked,
        Masking.keptPositions(tf, dropped, seqLen, seqLen - config.masking.numDropped(seqLen)),
        rate);
  }

  @Override
  public Operand<TInt64> echo(
      Ops tf,
      SorcenConfig config,
      Operand<TInt64> tokens,
      Operand<TFloat32> logits,
      Schedules schedules,
      RandomStream random) {
    return echoGrid;
  }
}
