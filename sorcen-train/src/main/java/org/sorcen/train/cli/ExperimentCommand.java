package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.train.data.ProjectPaths;
import org.sorcen.train.experiment.Experiment;
import org.sorcen.train.experiment.ExperimentConfig;
import org.sorcen.train.experiment.GenerationFigures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "experiment",
    description =
        "Run a side-by-side experiment (configs/experiments/*.json): tokenize, "
            + "train every method once per seed with the same architecture and budget, evaluate them and the baselines, "
            + "write the results file (mean ± std over seeds) and the k-NN-against-time figure. Re-running continues "
            + "where an interrupted run stopped.")
final class ExperimentCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      description = "Experiment config, e.g. configs/experiments/fashion-mnist.json.")
  Path config;

  @Option(
      names = "--set",
      description = "Dotted override of the experiment config, e.g. work_dir=/tmp/x (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Override
  public Integer call() {
    ExperimentConfig x =
        ConfigLoader.load(
            ProjectPaths.resolve(config),
            overrides,
            ExperimentConfig.class,
            ExperimentConfig::validated);
    try {
      new Experiment(
              x,
              ProjectPaths::resolve,
              System.err,
              new GenerationFigures(
                  ProjectPaths.resolve(Path.of(x.classifier)),
                  ProjectPaths.resolve(Path.of(x.images))))
          .run();
      return 0;
    } catch (Experiment.Interrupted e) {
      System.err.println("sorcen: " + e.getMessage());
      return e.exitCode(); // like train: the same command resumes
    }
  }
}
