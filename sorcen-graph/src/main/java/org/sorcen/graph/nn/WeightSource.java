package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Where a layer finds its weights: the shared reads of the student, or reads ordered after the EMA. */
@FunctionalInterface
public interface WeightSource {
  Operand<TFloat32> weight(String name);
}
