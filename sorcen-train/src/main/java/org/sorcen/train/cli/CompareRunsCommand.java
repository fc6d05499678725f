package org.sorcen.train.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sorcen.train.bench.EfficiencyBenchmark;
import org.sorcen.train.data.ProjectPaths;
import org.sorcen.train.experiment.TimeToKnn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "compare-runs",
    description =
        "Training time to a fixed k-NN top-1 of two finished runs (e.g. "
            + "Sorcen on precomputed tokens and MAGE with online tokenization): the step time summed from each run's "
            + "metrics.jsonl up to the first evaluation at or above the target, interpolated between evaluations, and how "
            + "much more efficient RUN_A is, beside the paper's 60.8%%; and each run's k-NN after the same training "
            + "time (the shorter run's). The runs must have evaluated k-NN while training (eval.every_epochs).")
final class CompareRunsCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "The first run directory (e.g. runs/sorcen-tiny).")
  Path runA;

  @Parameters(index = "1", description = "The run to compare it with (e.g. runs/mage-tiny-online).")
  Path runB;

  @Option(
      names = "--knn",
      description =
          "The k-NN top-1 target, a fraction in (0, 1], e.g. 0.55 (default: the "
              + "highest k-NN both runs reach).")
  Double knn;

  @Option(
      names = "--after-trough",
      description =
          "Time the target from each run's lowest k-NN evaluation instead of from step 0: the "
              + "time to climb back, for runs whose k-NN first falls below the initial encoder's.")
  boolean afterTrough;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (knn != null && !(knn > 0 && knn <= 1)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--knn must be a fraction in (0, 1], got " + knn);
    }
    print(
        TimeToKnn.compareRuns(
            List.of(ProjectPaths.resolve(runA), ProjectPaths.resolve(runB)), knn, afterTrough),
        System.out);
    return 0;
  }

  static void print(TimeToKnn.Comparison c, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "# k-NN top-1 target %.1f%%%s%s; training time = step time summed from metrics.jsonl "
            + "(evaluations, checkpoints and pauses excluded)%n",
        100 * c.target(),
        c.defaultTarget()
            ? c.afterTrough()
                ? " (the highest both runs reach after their lowest evaluation)"
                : " (the highest both runs reach)"
            : "",
        c.afterTrough() ? ", first reached after each run's lowest k-NN evaluation" : "");
    out.printf("%-40s %16s %10s %10s%n", "run", "minutes", "best k-NN", "last step");
    for (TimeToKnn.Reached r : c.runs()) {
      out.printf(
          Locale.ROOT,
          "%-40s %16s %9.1f%% %10d%n",
          r.name(),
          r.reached() ? String.format(Locale.ROOT, "%.2f", r.minutes()) : "not reached",
          100 * r.best(),
          r.lastStep());
    }
    out.printf(
        Locale.ROOT,
        "# at equal training time, %.2f min (the shorter run's last evaluation): %s%n",
        c.equalMinutes(),
        String.join(
            ", ",
            c.runs().stream()
                .map(
                    r ->
                        String.format(Locale.ROOT, "%s %.1f%%", r.name(), 100 * r.knnAtEqualTime()))
                .toList()));
    double more = c.percentMoreEfficient(0, 1);
    if (Double.isNaN(more) && c.runs().stream().allMatch(TimeToKnn.Reached::reached)) {
      // Both at or above the target from time 0: the encoders at initialisation already reach it.
      out.println(
          "# no ratio: "
              + c.runs().get(0).name()
              + " reaches the target at time 0 (its k-NN at initialisation); give --knn above it"
              + (c.afterTrough() ? "" : ", or --after-trough"));
    } else if (Double.isNaN(more)) {
      out.println("# no ratio: a run did not reach the target");
    } else {
      TimeToKnn.Reached a = c.runs().get(0);
      TimeToKnn.Reached b = c.runs().get(1);
      out.printf(
          Locale.ROOT,
          "# %s needs %.2fx the training time of %s: %s is %+.1f%% more efficient (time ratio "
              + "- 1; paper: Sorcen %.1f%% more efficient than MAGE)%n",
          b.name(),
          b.minutes() / a.minutes(),
          a.name(),
          a.name(),
          more,
          EfficiencyBenchmark.PAPER_PERCENT);
    }
  }
}
