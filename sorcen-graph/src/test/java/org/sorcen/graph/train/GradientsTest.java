package org.sorcen.graph.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Gradients of a loss: one per read, and a read the loss does not reach is named, not a later crash. */
class GradientsTest {
  @Test
  void aReadTheLossDoesNotReachIsNamed() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> used =
          tf.withName("used.weight").identity(tf.constant(new float[] {1f, 2f}));
      Operand<TFloat32> unused =
          tf.withName("unused.weight").identity(tf.constant(new float[] {3f}));
      // The loss reaches `unused` only through a stop-gradient: TensorFlow has no gradient for it.
      Operand<TFloat32> loss =
          tf.math.add(
              tf.reduceSum(tf.math.square(used), tf.constant(0)),
              tf.reduceSum(tf.stopGradient(unused), tf.constant(0)));
      assertEquals(1, Gradients.of(tf, loss, List.of(used)).size());
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> Gradients.of(tf, loss, List.of(used, unused)));
      assertTrue(
          e.getMessage().contains("no gradient from the loss to unused.weight"), e.getMessage());
    }
  }
}
