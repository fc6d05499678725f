package org.sorcen.train.eval;

import java.util.ArrayList;
import java.util.List;
import org.sorcen.graph.config.Checks;

/**
 * Few-shot evaluation: {@code shots} labelled training examples per class, drawn {@code draws}
 * times with different seeds; each draw fits a linear classifier on the frozen, standardised
 * features (full batch, SGD with momentum: LARS's trust ratio is made for large batches) and is
 * scored on the whole held-out split. Reported as mean and standard deviation over draws.
 */
public final class FewShotConfig {
  public List<Integer> shots = new ArrayList<>(List.of(1, 5, 10));
  public int draws = 5;
  public int steps = 300;
  public double lr = 0.05;
  public double momentum = 0.9;
  public double weightDecay = 0.001;

  public void validate(List<String> errors, String prefix) {
    for (int n : shots) {
      Checks.atLeast(errors, prefix + "shots[]", n, 1);
    }
    Checks.atLeast(errors, prefix + "draws", draws, 1);
    Checks.atLeast(errors, prefix + "steps", steps, 1);
    Checks.positive(errors, prefix + "lr", lr);
    Checks.inRange(errors, prefix + "momentum", momentum, 0, 1);
    Checks.nonNegative(errors, prefix + "weight_decay", weightDecay);
  }
}
