package org.sorcen.graph.model;

import org.tensorflow.Operand;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One batch's masks: {@code dropped} ⊂ {@code masked}, both [B, L], with exact per-row counts,
 * plus the kept positions [B, L − n_drop] in ascending order and the mask rate r that was drawn.
 */
public record MaskSample(
    Operand<TBool> dropped,
    Operand<TBool> masked,
    Operand<TInt32> keptPositions,
    Operand<TFloat32> maskRate) {}
