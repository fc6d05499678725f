package org.sorcen.graph.augment;

import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;

/**
 * One crop per image: {@code boxes} [B, 4] int32 as (top, left, height, width) in pixels of the raw
 * image, torchvision's {@code (i, j, h, w)} of {@code RandomResizedCrop.get_params}; and {@code flips}
 * [B], whether the resized crop is mirrored left to right.
 */
public record CropBoxes(Operand<TInt32> boxes, Operand<TBool> flips) {}
