package org.sorcen.train.official;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.sorcen.graph.weights.WeightsException;

/**
 * Imported weights must be finite: a NaN or Inf would be exported, pass a shape-only verification
 * and embed every input as a NaN row. Checked one tensor at a time (a large model's weights are not
 * held twice), before anything is written; the refusal names the tensors.
 */
final class FiniteWeights {
  private FiniteWeights() {}

  static void require(Path file, Collection<String> names, Function<String, float[]> values) {
    List<String> bad = new ArrayList<>();
    for (String name : names) {
      float[] v = values.apply(name);
      long count = 0;
      for (float x : v) {
        if (!Float.isFinite(x)) {
          count++;
        }
      }
      if (count > 0) {
        bad.add("'" + name + "' (" + count + " of " + v.length + ")");
      }
    }
    if (!bad.isEmpty()) {
      int shown = Math.min(5, bad.size());
      throw new WeightsException(
          file
              + ": NaN or Inf values in tensor "
              + String.join(", ", bad.subList(0, shown))
              + (bad.size() > shown ? " and " + (bad.size() - shown) + " more tensors" : "")
              + "; the checkpoint is damaged or from a diverged run: nothing was imported");
    }
  }
}
