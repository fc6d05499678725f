package org.sorcen.graph.weights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;

/**
 * Maps an official PyTorch state_dict onto the graph's variables (ALGORITHM.md §9). The graph stores
 * every tensor under its official name and in its official layout (Linear weights out×in), so the
 * mapping is by name; it checks that every model variable is present with the right shape.
 */
public final class OfficialStateDict {
  /** Legacy tensors of the official checkpoints that the model does not use. */
  static final Set<String> IGNORED =
      Set.of("pos_embed", "decoder_pos_embed", "cls_token", "mask_token", "token_emb.position_ids");

  static final List<String> IGNORED_PREFIXES = List.of("patch_embed.", "decoder_pred.");

  private OfficialStateDict() {}

  /** One variable and the tensor that fills it. */
  public record Assignment(ModelVariable variable, String tensor) {}

  /**
   * The model variables (not optimizer state) each paired with its tensor in {@code file}; fails
   * naming every missing, mis-shaped or unreadable (dtype, layout) tensor at once.
   */
  public static List<Assignment> plan(Variables vars, NamedTensors file) {
    List<Assignment> plan = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, long[]> shapes = file.shapes();
    for (ModelVariable v : vars.all()) {
      if (v.role() == VariableRole.OPTIMIZER) {
        continue;
      }
      long[] shape = shapes.get(v.name());
      if (shape == null) {
        problems.add(
            "missing tensor '"
                + v.name()
                + "' (expected shape "
                + Arrays.toString(v.shape().asArray())
                + ")");
      } else if (!Arrays.equals(shape, v.shape().asArray())) {
        problems.add(
            "tensor '"
                + v.name()
                + "' has shape "
                + Arrays.toString(shape)
                + " but the config needs "
                + Arrays.toString(v.shape().asArray()));
      } else {
        try {
          file.checkFloats(v.name());
          plan.add(new Assignment(v, v.name()));
        } catch (WeightsException e) {
          problems.add(e.getMessage());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new WeightsException(
          file.file() + " does not fit the model config:\n  " + String.join("\n  ", problems));
    }
    return plan;
  }

  /** Whether {@code name} is a tensor of the official checkpoints that the model does not use. */
  public static boolean isLegacy(String name) {
    return IGNORED.contains(name)
        || IGNORED_PREFIXES.stream().anyMatch(name::startsWith)
        || name.endsWith(".num_batches_tracked");
  }

  /** Tensors of the file that are neither model variables nor known legacy ones. */
  public static List<String> unused(Variables vars, NamedTensors file, Set<String> alsoIgnore) {
    List<String> out = new ArrayList<>();
    for (String name : file.shapes().keySet()) {
      boolean legacy = isLegacy(name);
      boolean ignored = alsoIgnore.stream().anyMatch(name::startsWith);
      if (!vars.contains(name) && !legacy && !ignored) {
        out.add(name);
      }
    }
    return out;
  }
}
