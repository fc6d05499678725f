package org.sorcen.export;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt64;

/**
 * In-graph checks of exported signatures: out-of-range ids become an InvalidArgument error with a
 * readable message in TF Serving, Python and Java alike, instead of a gather of a wrong row.
 */
final class InputChecks {
  private InputChecks() {}

  /** {@code ids} unchanged, but only after every id is checked to be in [lo, hi). */
  static Operand<TInt64> idsInRange(Ops tf, Operand<TInt64> ids, long lo, long hi, String what) {
    Operand<TBool> ok =
        tf.reduceAll(
            tf.math.logicalAnd(
                tf.math.greaterEqual(ids, tf.constant(lo)), tf.math.less(ids, tf.constant(hi))),
            tf.constant(new int[] {0, 1}));
    AssertThat check =
        tf.assertThat(
            ok,
            List.of(
                tf.constant(
                    what
                        + " must be in ["
                        + lo
                        + ", "
                        + hi
                        + "); the smallest and largest given are"),
                tf.reduceMin(ids, tf.constant(new int[] {0, 1})),
                tf.reduceMax(ids, tf.constant(new int[] {0, 1}))));
    return tf.withControlDependencies(List.of(check)).identity(ids);
  }
}
