package org.sorcen.train.eval;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** "linear-probe": {@link LinearProbe} with {@code eval.linear_probe}, top-1 on the held-out split. */
final class LinearProbeEvaluator implements Evaluator {
  @Override
  public String name() {
    return "linear-probe";
  }

  @Override
  public String description() {
    return "Linear probe (docs/ALGORITHM.md §8: BatchNorm without affine + linear, warm-up then cosine) on frozen features; "
        + "official defaults (LARS, blr 0.1, batch 4096, 90 epochs); SGD with momentum with --set "
        + "eval.linear_probe.optimizer=sgd.";
  }

  @Override
  public Input input() {
    return Input.FROZEN_FEATURES;
  }

  @Override
  public int trainRowsNeeded(EvalConfig cfg) {
    return cfg.linearProbe.trainRows;
  }

  @Override
  public void validate(EvalConfig cfg, boolean selected, List<String> errors) {
    if (cfg.linearProbe == null) {
      errors.add("eval.linear_probe must be an object");
    } else {
      cfg.linearProbe.validate(errors, "eval.linear_probe.");
    }
  }

  @Override
  public Map<String, Double> run(EvalConfig cfg, EvalInputs in, PrintStream out) {
    FrozenFeatures f = in.features().get();
    long start = System.nanoTime();
    LinearProbe.Result r = LinearProbe.evaluate(f, cfg.linearProbe, in.seed());
    out.printf(
        Locale.ROOT,
        "  linear probe (%s, %.0f epochs, %d rows): top-1 %.2f%% (train %.2f%%), %.0f s%n",
        cfg.linearProbe.optimizer,
        cfg.linearProbe.epochs,
        f.limitTrain(cfg.linearProbe.trainRows).train().length,
        100 * r.testTop1(),
        100 * r.trainTop1(),
        (System.nanoTime() - start) / 1e9);
    return Map.of("eval/linear_probe_top1", r.testTop1());
  }
}
