package org.sorcen.graph.weights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;

/**
 * Which tensor of a weights file fills each model variable (optimizer state is not read), by name:
 * every one checked for presence, shape (the file's, through a {@link TensorLayout}) and a readable
 * float dtype before any data is read. Problems are collected, not thrown, so that an import can add
 * its own and refuse the file once, naming them all.
 */
public record WeightPlan(List<Assignment> assignments, List<String> problems) {

  /** One variable, the tensor that fills it, and how the file lays that tensor out. */
  public record Assignment(ModelVariable variable, String tensor, TensorLayout layout) {
    /** The tensor's values from {@code file}, in the variable's layout. */
    public float[] values(NamedTensors file) {
      return layout.toVariable(file.floats(tensor), variable.shape().asArray());
    }
  }

  /**
   * @param needs what sets the variables' shapes, as a message names it ("the config")
   */
  public static WeightPlan of(
      List<ModelVariable> vars, NamedTensors file, TensorLayout layout, String needs) {
    List<Assignment> assignments = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, long[]> shapes = file.shapes();
    for (ModelVariable v : vars) {
      if (v.role() == VariableRole.OPTIMIZER) {
        continue;
      }
      long[] expected = layout.fileShape(v.shape().asArray());
      long[] shape = shapes.get(v.name());
      if (shape == null) {
        problems.add(
            "missing tensor '" + v.name() + "' (expected shape " + Arrays.toString(expected) + ")");
      } else if (!Arrays.equals(shape, expected)) {
        problems.add(
            "tensor '"
                + v.name()
                + "' has shape "
                + Arrays.toString(shape)
                + " but "
                + needs
                + " needs "
                + Arrays.toString(expected));
      } else {
        try {
          file.checkFloats(v.name());
          assignments.add(new Assignment(v, v.name(), layout));
        } catch (WeightsException e) {
          problems.add(e.getMessage());
        }
      }
    }
    return new WeightPlan(List.copyOf(assignments), List.copyOf(problems));
  }
}
