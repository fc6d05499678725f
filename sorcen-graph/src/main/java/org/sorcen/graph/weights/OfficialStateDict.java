package org.sorcen.graph.weights;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

  /**
   * The model variables (not optimizer state) each paired with its tensor in {@code file}, stored as
   * the graph holds it; fails naming every missing, mis-shaped or unreadable (dtype, layout) tensor
   * at once.
   */
  public static List<WeightPlan.Assignment> plan(Variables vars, NamedTensors file) {
    WeightPlan plan = WeightPlan.of(vars.all(), file, TensorLayout.AS_IN_GRAPH, "the config");
    if (!plan.problems().isEmpty()) {
      throw new WeightsException(
          file.file()
              + " does not fit the model config:\n  "
              + String.join("\n  ", plan.problems()));
    }
    return plan.assignments();
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
