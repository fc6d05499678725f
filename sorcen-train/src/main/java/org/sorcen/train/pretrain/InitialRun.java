package org.sorcen.train.pretrain;

import java.nio.file.Files;
import java.nio.file.Path;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.ConfigDiff;
import org.sorcen.train.run.RunInfo;
import org.sorcen.train.run.RunLayout;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;

/**
 * A run directory holding only a config's initial weights, as a step-0 checkpoint: the untrained
 * encoder that a trained one is compared with. The initializers are keyed by {@code train.seed} and
 * each variable's name, so these are the weights a training run of the same config starts from.
 * Readers ({@link Run}, export, eval) take it like any run.
 */
public final class InitialRun {
  private InitialRun() {}

  /** Writes {@code dir} (whole or not at all) unless it is already there; returns its checkpoint. */
  public static Path ensure(JobConfig cfg, Path dir, Path data, Path tokenizer) {
    RunLayout done = new RunLayout(dir);
    if (Files.isDirectory(done.checkpoints())) {
      return Run.open(dir).checkpoint(note -> {});
    }
    String configJson = ConfigLoader.toJson(cfg);
    AtomicFiles.writeDirectory(
        dir,
        false,
        tmp -> {
          RunLayout layout = Run.create(tmp, cfg, RunInfo.of(data, tokenizer)).layout();
          try (TrainingSession s =
              TrainingSession.create(
                  cfg, cfg.model.numClasses > 0, 1, SessionSettings.defaults())) {
            new Checkpoints(layout.checkpoints(), Integer.MAX_VALUE)
                .save(
                    s,
                    new Checkpoints.Sidecar(
                        0,
                        0,
                        0,
                        cfg.train.seed,
                        ConfigDiff.hash(configJson),
                        System.currentTimeMillis() / 1000.0,
                        0.0,
                        null),
                    configJson);
          }
        });
    return Run.open(dir).checkpoint(note -> {});
  }
}
