package org.sorcen.train.eval;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** "few-shot": {@link FewShot} with {@code eval.few_shot}, mean and std over draws per number of shots. */
final class FewShotEvaluator implements Evaluator {
  @Override
  public String name() {
    return "few-shot";
  }

  @Override
  public String description() {
    return "Linear classifiers from n labelled examples per class (eval.few_shot.shots, eval.few_shot.draws draws) "
        + "on frozen features.";
  }

  @Override
  public Input input() {
    return Input.FROZEN_FEATURES;
  }

  /** Draws come from the whole training split. */
  @Override
  public int trainRowsNeeded(EvalConfig cfg) {
    return 0;
  }

  @Override
  public void validate(EvalConfig cfg, boolean selected, List<String> errors) {
    if (cfg.fewShot == null) {
      errors.add("eval.few_shot must be an object");
    } else {
      cfg.fewShot.validate(errors, "eval.few_shot.");
    }
  }

  @Override
  public Map<String, Double> run(EvalConfig cfg, EvalInputs in, PrintStream out) {
    Map<String, Double> figures = new LinkedHashMap<>();
    for (FewShot.Result r :
        FewShot.evaluate(in.features().get(), cfg.fewShot, in.seed()).values()) {
      figures.put("eval/few_shot_" + r.shots() + "_mean", r.mean());
      figures.put("eval/few_shot_" + r.shots() + "_std", r.std());
      out.printf(
          Locale.ROOT,
          "  few-shot %d per class (%d draws): top-1 %.2f%% ± %.2f%n",
          r.shots(),
          r.perDraw().length,
          100 * r.mean(),
          100 * r.std());
    }
    return figures;
  }
}
