package org.sorcen.graph.train;

import org.sorcen.graph.augment.CropBoxes;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.MaskSample;
import org.sorcen.graph.nn.RandomStream;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Where a training step's image crops (online tokenization), masks and teacher input come from: drawn in-graph for training
 * ({@link #sampled()}), or fed, to replay a step another implementation took ({@link #fed}).
 * Everything else about the step is the same {@link TrainingGraph}.
 */
public interface StepInputs {
  /** The crop boxes and flips of a batch of raw images uint8 [B, H, W, C] (train.input "images"). */
  CropBoxes crops(Ops tf, SorcenConfig config, Operand<TUint8> images, RandomStream random);

  /** The masks of this batch (ALGORITHM.md §4.1–§4.2). */
  MaskSample masks(Ops tf, SorcenConfig config, Operand<TInt64> tokens, RandomStream random);

  /** The teacher's input grid [B, L], already crop-masked (§4.7–§4.8), from the decoder's grid logits [B, L, C]. */
  Operand<TInt64> echo(
      Ops tf,
      SorcenConfig config,
      Operand<TInt64> tokens,
      Operand<TFloat32> logits,
      Schedules schedules,
      RandomStream random);

  /** Masks, echo and crop drawn in-graph from the step's random stream. */
  static StepInputs sampled() {
    return new SampledStepInputs();
  }

  /** Fixed masks ([B, L], dropped ⊂ masked, the same count of dropped per row) and a fixed echo grid. */
  static StepInputs fed(Operand<TBool> dropped, Operand<TBool> masked, Operand<TInt64> echo) {
    return new FedStepInputs(dropped, masked, echo, null);
  }

  /** The same with fixed crops of the raw images (boxes [B, 4] as top, left, height, width; flips [B]). */
  static StepInputs fed(
      Operand<TBool> dropped, Operand<TBool> masked, Operand<TInt64> echo, CropBoxes crops) {
    return new FedStepInputs(dropped, masked, echo, crops);
  }
}
