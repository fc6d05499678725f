package org.sorcen.train.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.train.TrainingGraph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.types.TInt64;

/**
 * What every training step fetches and reports, in order: the forward pass's loss terms and
 * accuracy, lr, β, epoch, gradient norm and the global step.
 */
final class StepScalars {
  private final List<String> names = new ArrayList<>();
  private final List<Operand<?>> ops = new ArrayList<>();

  StepScalars(TrainingGraph training) {
    training.forward().scalars().forEach(this::add);
    add("lr", training.schedules().learningRate());
    add("ema/beta", training.schedules().momentum());
    add("epoch", training.schedules().epoch());
    add("grad_norm", training.gradientNorm());
    add("step", training.step());
  }

  private void add(String name, Operand<?> op) {
    names.add(name);
    ops.add(op);
  }

  /** Adds the fetches to {@code runner}, after any it has. */
  void fetch(Session.Runner runner) {
    ops.forEach(runner::fetch);
  }

  /** The values of a run whose fetches of these scalars start at output {@code offset}. */
  StepMetrics read(Result r, int offset) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      Tensor v = r.get(offset + i);
      values.put(
          names.get(i), v instanceof TInt64 s ? (double) s.getLong() : (double) Tensors.scalar(v));
    }
    return new StepMetrics(values.get("step").longValue(), values);
  }
}
