package org.sorcen.train.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.train.bench.EfficiencyBenchmark;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.run.RunLayout;

/**
 * Training time to a fixed k-NN top-1 (the paper's efficiency claim measured as wall time to a fixed
 * k-NN): the first time a k-NN-against-time curve ({@link TrainingCurve}: step time
 * summed from the run's metrics, evaluations excluded) reaches the target, interpolated linearly
 * between the two evaluations around it. The default target is the highest k-NN every curve
 * reaches, so every run has a time. Serves {@code ./sorcen compare-runs} and the experiment report.
 *
 * <p>A run's k-NN often falls below its initial encoder's before it climbs (a random encoder on
 * token ids is a strong k-NN baseline), so a target under the initial k-NN is "reached" at time 0.
 * Timed <em>after the trough</em>, the search starts at the curve's lowest evaluation instead: the
 * time the run takes to climb back to the target, which is what differs between methods then.
 */
public final class TimeToKnn {
  /**
   * One curve's answer: minutes to the target (NaN: not reached), its best k-NN, last step, and its
   * k-NN at the comparison's equal training time.
   */
  public record Reached(
      String name, double minutes, double best, long lastStep, double knnAtEqualTime) {
    public boolean reached() {
      return !Double.isNaN(minutes);
    }
  }

  /**
   * The target and each curve's answer, in the given order. {@code equalMinutes} is the training
   * time every curve reaches (the shortest curve's last evaluation): the other reading of
   * efficiency, each run's k-NN after the same training time, which exists even when no target
   * above the initial k-NN is reached.
   */
  public record Comparison(
      double target,
      boolean defaultTarget,
      boolean afterTrough,
      double equalMinutes,
      List<Reached> runs) {
    /** (time of {@code slower} ÷ time of {@code faster} − 1) × 100, NaN unless both reached the target. */
    public double percentMoreEfficient(int faster, int slower) {
      Reached a = runs.get(faster);
      Reached b = runs.get(slower);
      return a.reached() && b.reached() && a.minutes() > 0
          ? (b.minutes() / a.minutes() - 1) * 100
          : Double.NaN;
    }
  }

  private TimeToKnn() {}

  /** Minutes at which {@code points} (in step order) first reach {@code target}; NaN when they never do. */
  static double minutes(List<TrainingCurve.Point> points, double target) {
    for (int i = 0; i < points.size(); i++) {
      TrainingCurve.Point b = points.get(i);
      if (b.knn() >= target) {
        if (i == 0) {
          return b.minutes();
        }
        TrainingCurve.Point a = points.get(i - 1);
        return a.minutes() + (target - a.knn()) / (b.knn() - a.knn()) * (b.minutes() - a.minutes());
      }
    }
    return Double.NaN;
  }

  /** The part of {@code points} a target is searched in: all, or from their first lowest k-NN on. */
  static List<TrainingCurve.Point> searched(List<TrainingCurve.Point> points, boolean afterTrough) {
    if (!afterTrough) {
      return points;
    }
    int low = 0;
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).knn() < points.get(low).knn()) {
        low = i;
      }
    }
    return points.subList(low, points.size());
  }

  /** The highest k-NN of {@code points}; NaN for an empty curve. */
  static double best(List<TrainingCurve.Point> points) {
    return points.stream().mapToDouble(TrainingCurve.Point::knn).max().orElse(Double.NaN);
  }

  /**
   * The k-NN of {@code points} (in step order) after {@code minutes} of training, interpolated
   * linearly between the evaluations around it; NaN past the last evaluation.
   */
  static double knnAt(List<TrainingCurve.Point> points, double minutes) {
    for (int i = 0; i < points.size(); i++) {
      TrainingCurve.Point b = points.get(i);
      if (b.minutes() >= minutes) {
        if (i == 0 || b.minutes() == minutes) {
          return b.knn();
        }
        TrainingCurve.Point a = points.get(i - 1);
        return a.knn()
            + (minutes - a.minutes()) / (b.minutes() - a.minutes()) * (b.knn() - a.knn());
      }
    }
    return Double.NaN;
  }

  /**
   * {@code target} null: the highest k-NN every curve reaches (the lowest of their bests, counted
   * from each trough when {@code afterTrough}).
   */
  static Comparison compare(
      Map<String, List<TrainingCurve.Point>> curves, Double target, boolean afterTrough) {
    double t =
        target != null
            ? target
            : curves.values().stream()
                .mapToDouble(c -> best(searched(c, afterTrough)))
                .min()
                .orElse(Double.NaN);
    double equal =
        curves.values().stream()
            .mapToDouble(c -> c.isEmpty() ? Double.NaN : c.get(c.size() - 1).minutes())
            .min()
            .orElse(Double.NaN);
    List<Reached> out = new ArrayList<>();
    curves.forEach(
        (name, c) ->
            out.add(
                new Reached(
                    name,
                    minutes(searched(c, afterTrough), t),
                    best(c),
                    c.isEmpty() ? 0 : c.get(c.size() - 1).step(),
                    knnAt(c, equal))));
    return new Comparison(t, target == null, afterTrough, equal, out);
  }

  /** Reads each run directory's metrics.jsonl and config.json; a run without k-NN evaluations is refused. */
  public static Comparison compareRuns(List<Path> runDirs, Double target, boolean afterTrough) {
    Map<String, List<TrainingCurve.Point>> curves = new LinkedHashMap<>();
    for (Path dir : runDirs) {
      RunLayout layout = new RunLayout(dir);
      if (!Files.isRegularFile(layout.config()) || !Files.isRegularFile(layout.metrics())) {
        throw new ConfigException(
            dir
                + " is not a run directory (no config.json and metrics.jsonl): name one, e.g. "
                + "runs/sorcen-tiny");
      }
      SorcenConfig cfg = JobConfig.load(layout.config());
      List<TrainingCurve.Point> points =
          TrainingCurve.read(layout.metrics(), cfg.train.batchSize).points();
      if (points.stream().noneMatch(p -> p.step() > 0)) {
        throw new ConfigException(
            dir
                + " has no k-NN evaluation during training in metrics.jsonl: train it with "
                + "eval.every_epochs set and knn among eval.evaluators");
      }
      curves.put(dir.toString(), points);
    }
    return compare(curves, target, afterTrough);
  }

  /** The experiment's Markdown: time to the target per method, from the mean curves over seeds. */
  static String markdown(Map<String, List<KnnTimeFigure.Point>> means) {
    Map<String, List<TrainingCurve.Point>> curves = new LinkedHashMap<>();
    means.forEach(
        (m, ps) ->
            curves.put(
                m,
                ps.stream()
                    .map(p -> new TrainingCurve.Point(p.step(), p.minutes(), p.knn().mean()))
                    .toList()));
    Comparison c = compare(curves, null, false);
    if (Double.isNaN(c.target())) {
      return "";
    }
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%nTraining time to k-NN top-1 %.1f%% (the "
                    + "highest every method's mean curve reaches; interpolated between evaluations, minutes of steps as in the "
                    + "figure). The Sorcen paper reports Sorcen %.1f%% more efficient than MAGE; \"more efficient\" here is "
                    + "(the row's time ÷ the first row's time − 1) × 100.%n%n| | minutes to k-NN %.1f%% | first row more "
                    + "efficient by |%n|---|---|---|%n",
                100 * c.target(),
                EfficiencyBenchmark.PAPER_PERCENT,
                100 * c.target()));
    for (int i = 0; i < c.runs().size(); i++) {
      Reached r = c.runs().get(i);
      double more = c.percentMoreEfficient(0, i);
      s.append("| ")
          .append(r.name())
          .append(" | ")
          .append(r.reached() ? String.format(Locale.ROOT, "%.2f", r.minutes()) : "not reached")
          .append(" | ")
          .append(
              i == 0 ? "—" : Double.isNaN(more) ? "–" : String.format(Locale.ROOT, "%+.1f%%", more))
          .append(" |\n");
    }
    return s.toString();
  }
}
