package org.sorcen.graph.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/** Dynamic sizes: the batch axis stays unknown so exported models take any batch. */
public final class Shapes {
  private Shapes() {}

  /** The size of axis 0 as an int32 scalar. */
  public static Operand<TInt32> batchSize(Ops tf, Operand<? extends TType> x) {
    return tf.gather(tf.shape(x), tf.constant(0), tf.constant(0));
  }

  public static Operand<TFloat32> batchSizeFloat(Ops tf, Operand<? extends TType> x) {
    return tf.dtypes.cast(batchSize(tf, x), TFloat32.class);
  }
}
