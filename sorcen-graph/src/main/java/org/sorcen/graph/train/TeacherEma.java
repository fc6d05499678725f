package org.sorcen.graph.train;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.model.SorcenVariables;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * teacher ← β·teacher + (1−β)·student for the teacher blocks and the momentum projector
 * (trainable parameters only; their BatchNorm running statistics are their own), ALGORITHM.md §5.
 * Under {@code ema.momentum_projector: trained} the optimizer then moves the momentum projector
 * further, from the value this EMA wrote.
 * The student values are the same reads the forward pass uses, i.e. from before this step's update.
 */
public final class TeacherEma {
  private TeacherEma() {}

  public static List<Op> updates(Ops tf, Variables vars, Operand<TFloat32> beta) {
    List<Op> ops = new ArrayList<>();
    Operand<TFloat32> rest = tf.math.sub(tf.constant(1f), beta);
    for (ModelVariable teacher : vars.all().stream().filter(v -> v.role().followsEma()).toList()) {
      String studentName = SorcenVariables.studentOf(teacher.name());
      if (studentName == null) {
        throw new IllegalStateException("EMA variable without a student twin: " + teacher.name());
      }
      Operand<TFloat32> t = teacher.read(tf);
      Operand<TFloat32> s = vars.read(studentName);
      ops.add(
          tf.assignVariableOp(
              teacher.handle(), tf.math.add(tf.math.mul(beta, t), tf.math.mul(rest, s))));
    }
    return ops;
  }
}
