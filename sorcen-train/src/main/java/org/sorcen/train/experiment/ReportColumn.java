package org.sorcen.train.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * One figure of the results table: its heading, its key in a row's figures, and how a value and a
 * difference of two values are written. Shared by the table and the seed-spread comparison so that
 * both read the same figures the same way.
 */
record ReportColumn(
    String heading, String key, DoubleFunction<String> value, DoubleFunction<String> delta) {
  static ReportColumn percent(String heading, String key) {
    return new ReportColumn(
        heading,
        key,
        v -> String.format(Locale.ROOT, "%.1f%%", 100 * v),
        d -> String.format(Locale.ROOT, "%+.1f pts", 100 * d));
  }

  static ReportColumn number(String heading, String key, String fmt, String unit) {
    return new ReportColumn(
        heading,
        key,
        v -> String.format(Locale.ROOT, fmt, v) + unit,
        d -> String.format(Locale.ROOT, "%+" + fmt.substring(1), d) + unit);
  }

  /** The main table's figures: representation, generation, then training cost. */
  static List<ReportColumn> main(List<Integer> shots) {
    List<ReportColumn> c = new ArrayList<>();
    c.add(percent("linear probe", "eval/linear_probe_top1"));
    c.add(percent("k-NN", "eval/knn_top1"));
    shots.forEach(n -> c.add(percent(n + "-shot", "eval/few_shot_" + n + "_mean")));
    c.add(number("FD ↓", "gen/fd", "%.2f", ""));
    c.add(number("IS-analogue ↑", "gen/is_mean", "%.2f", ""));
    c.add(
        new ReportColumn(
            "train wall time",
            Experiment.TrainingCost.SECONDS,
            v -> String.format(Locale.ROOT, "%.1f min", v / 60),
            d -> String.format(Locale.ROOT, "%+.1f min", d / 60)));
    c.add(number("samples/s", Experiment.TrainingCost.SAMPLES_PER_SECOND, "%.0f", ""));
    c.add(number("total train FLOPs", Experiment.TrainingCost.TOTAL_FLOPS, "%.3g", ""));
    return c;
  }
}
