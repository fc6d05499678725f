package org.sorcen.graph.train;

import java.util.List;
import org.sorcen.graph.augment.CropBoxes;
import org.sorcen.graph.augment.RandomResizedCrop;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.config.TrainConfig;
import org.sorcen.graph.model.Echo;
import org.sorcen.graph.model.MaskSample;
import org.sorcen.graph.model.Masking;
import org.sorcen.graph.model.SpatialMask;
import org.sorcen.graph.nn.RandomStream;
import org.sorcen.graph.nn.Shapes;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/** The training path: image crops, masks, echo and echo crop drawn in-graph (ALGORITHM.md §4.1–§4.2, §4.7–§4.8). */
final class SampledStepInputs implements StepInputs {
  /** torchvision's RandomResizedCrop and RandomHorizontalFlip, one draw per (global) row. */
  @Override
  public CropBoxes crops(Ops tf, SorcenConfig config, Operand<TUint8> images, RandomStream random) {
    TrainConfig t = config.train;
    long[] s = images.shape().asArray();
    Operand<TFloat32> u =
        random.uniformRows(
            tf,
            tf.stack(
                List.of(Shapes.batchSize(tf, images), tf.constant(RandomResizedCrop.UNIFORMS))));
    return RandomResizedCrop.sample(
        tf, (int) s[1], (int) s[2], t.cropScaleMin, t.cropScaleMax, t.horizontalFlip, u);
  }

  @Override
  public MaskSample masks(
      Ops tf, SorcenConfig config, Operand<TInt64> tokens, RandomStream random) {
    return Masking.sample(tf, config.masking, config.model.seqLen(), tokens, random);
  }

  @Override
  public Operand<TInt64> echo(
      Ops tf,
      SorcenConfig config,
      Operand<TInt64> tokens,
      Operand<TFloat32> logits,
      Schedules schedules,
      RandomStream random) {
    Operand<TInt64> sampled = Echo.sample(tf, config.model, config.echo.topK, logits, random);
    Operand<TInt64> echo = tf.select(schedules.echoWarmup(), tokens, sampled);
    return SpatialMask.apply(
        tf, config.model, echo, SpatialMask.sample(tf, config.model, config.masking, echo, random));
  }
}
