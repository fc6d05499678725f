package org.sorcen.graph.train;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * d loss / d read for float variable reads, via the graph's C++ gradients: the
 * gradient of a read covers only that read, so pass the reads the forward pass used.
 */
public final class Gradients {
  private Gradients() {}

  public static List<Operand<TFloat32>> of(
      Ops tf, Operand<TFloat32> loss, List<Operand<TFloat32>> reads) {
    Output<?>[] xs = reads.stream().map(Operand::asOutput).toArray(Output[]::new);
    Output<?>[] dxs = ((Graph) tf.scope().env()).addGradients(loss.asOutput(), xs);
    List<Operand<TFloat32>> grads = new ArrayList<>(dxs.length);
    for (int i = 0; i < dxs.length; i++) {
      // A read the loss does not depend on has no gradient; say which, rather than fail later on a
      // closed graph.
      if (missing(dxs[i])) {
        throw new IllegalStateException(
            "no gradient from the loss to "
                + reads.get(i).op().name()
                + ": the loss does not depend on it; keep it out of the trained reads");
      }
      @SuppressWarnings("unchecked")
      Operand<TFloat32> gf = (Operand<TFloat32>) dxs[i];
      grads.add(gf);
    }
    return grads;
  }

  /** TF Java hands back an output without a native operation where TensorFlow has no gradient. */
  private static boolean missing(Output<?> dx) {
    if (dx == null || dx.op() == null) {
      return true;
    }
    try {
      dx.op().name();
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
