package org.sorcen.train.tokenizer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.EpochBatcher;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.loop.Cadence;
import org.sorcen.train.loop.Resume;
import org.sorcen.train.loop.RunHarness;
import org.sorcen.train.loop.TrainingLoop;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.RunLayout;
import org.sorcen.train.run.StopRequest;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.StepMetrics;

/**
 * Trains a tokenizer on an in-memory image set: epochs of seeded shuffles ({@link EpochBatcher}),
 * the kit's progress line, and either a single checkpoint at the end ({@link #train}) or a
 * resumable run in a checkpoint directory ({@link #resumable}).
 */
public final class TokenizerTrainer {
  /**
   * What a run did: the step it reached, the wall time of this process's steps, its images/s, the
   * last checkpoint, and whether a stop request ended it before its last step.
   */
  public record Summary(
      long steps, double seconds, double imagesPerSecond, Path checkpoint, boolean interrupted) {}

  /** The metrics log a resumable run keeps next to its checkpoints. */
  public static final String METRICS = "metrics.jsonl";

  private TokenizerTrainer() {}

  public static long stepsPerEpoch(TokenizerConfig cfg, ImageSet data) {
    return data.count() / cfg.train.batchSize;
  }

  public static long totalSteps(TokenizerConfig cfg, ImageSet data) {
    return Math.max(1, Math.round(cfg.train.epochs * stepsPerEpoch(cfg, data)));
  }

  /**
   * A fresh run whose only checkpoint is written under {@code checkpoint} (a bundle prefix) at the end.
   *
   * @param maxSteps stop after this many steps (the schedule still spans the whole run), or 0 for all;
   *     for measuring throughput before a long run
   */
  public static Summary train(
      TokenizerConfig cfg,
      ImageSet data,
      Path checkpoint,
      SessionSettings settings,
      long maxSteps,
      PrintStream log) {
    long perEpoch = checkData(cfg, data);
    long steps = steps(cfg, data, maxSteps);
    try (TokenizerTrainingSession session = new TokenizerTrainingSession(cfg, perEpoch, settings)) {
      long start = System.nanoTime();
      long reached = loop(cfg, data, log, steps).run(0, stepper(cfg, data, session));
      double seconds = (System.nanoTime() - start) / 1e9;
      session.save(checkpoint);
      return new Summary(
          reached, seconds, reached * cfg.train.batchSize / seconds, checkpoint, false);
    }
  }

  /**
   * A run that checkpoints into {@code dir} ({@code step-*} per {@link Checkpoints}, with
   * {@value #METRICS}, locked while it runs: {@link RunLayout#inCheckpoints}) on the config's
   * train.checkpoint_every_steps/minutes and at its end or on {@code stop}, and continues from the
   * newest intact checkpoint there: the same batches, hence the same losses, as an uninterrupted
   * run. A checkpoint trained with another config is refused ({@link Resume}) before anything is
   * written. The sequence is {@link RunHarness}'s.
   */
  public static Summary resumable(
      TokenizerConfig cfg,
      ImageSet data,
      Path dir,
      SessionSettings settings,
      long maxSteps,
      PrintStream log,
      StopRequest stop) {
    long perEpoch = checkData(cfg, data);
    long steps = steps(cfg, data, maxSteps);
    RunLayout layout = RunLayout.inCheckpoints(dir);
    RunHarness.Plan plan =
        new RunHarness.Plan(
            layout,
            new Resume(
                new Checkpoints(layout.checkpoints(), cfg.train.keepCheckpoints),
                null,
                null,
                "use another --out"),
            "sorcen tokenizer-train",
            "tokenizer-train",
            ConfigLoader.toJson(cfg),
            cfg.train,
            perEpoch,
            steps);
    return new RunHarness(plan, log, stop)
        .run(
            new RunHarness.Job<TokenizerTrainingSession, Summary>() {
              @Override
              public TokenizerTrainingSession open() {
                return new TokenizerTrainingSession(cfg, perEpoch, settings);
              }

              @Override
              public String describe(Map<String, Double> values) {
                return TokenizerTrainer.describe(cfg, values);
              }

              @Override
              public TrainingLoop.Stepper stepper(
                  RunHarness.Context<TokenizerTrainingSession> run) {
                return TokenizerTrainer.stepper(cfg, data, run.session());
              }

              @Override
              public Summary finish(
                  RunHarness.Context<TokenizerTrainingSession> run, RunHarness.Ending end) {
                if (end.alreadyComplete()) {
                  return new Summary(end.reached(), 0, 0, end.last(), false);
                }
                return new Summary(
                    end.reached(),
                    end.seconds(),
                    (end.reached() - end.first()) * cfg.train.batchSize / end.seconds(),
                    end.last(),
                    end.interrupted());
              }
            });
  }

  private static long checkData(TokenizerConfig cfg, ImageSet data) {
    checkShape(cfg, data);
    long perEpoch = stepsPerEpoch(cfg, data);
    if (perEpoch < 1) {
      throw new DataException(
          data.count() + " images are fewer than one batch of " + cfg.train.batchSize);
    }
    return perEpoch;
  }

  private static long steps(TokenizerConfig cfg, ImageSet data, long maxSteps) {
    long total = totalSteps(cfg, data);
    return maxSteps > 0 ? Math.min(maxSteps, total) : total;
  }

  /** The loop of a run without a directory: progress lines only, nothing to stop it. */
  private static TrainingLoop loop(
      TokenizerConfig cfg, ImageSet data, PrintStream log, long steps) {
    return new TrainingLoop(
            log,
            steps,
            stepsPerEpoch(cfg, data),
            cfg.train.batchSize,
            new StopRequest(),
            m -> describe(cfg, m))
        .onLog(Cadence.steps(cfg.train.logEverySteps).orAt(steps), (at, values) -> {});
  }

  /** Each step's batch: the rows the seeded epoch order gives that step, copied into one buffer. */
  private static TrainingLoop.Stepper stepper(
      TokenizerConfig cfg, ImageSet data, TokenizerTrainingSession session) {
    EpochBatcher batcher = new EpochBatcher(data.count(), cfg.train.batchSize, cfg.train.seed);
    int size = data.imageSize();
    byte[] buffer = new byte[cfg.train.batchSize * size];
    return done -> {
      int[] rows = batcher.rows(done);
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(data.pixels(), rows[i] * size, buffer, i * size, size);
      }
      return new StepMetrics(done, session.step(buffer));
    };
  }

  static void checkShape(TokenizerConfig cfg, ImageSet data) {
    if (data.height() != cfg.inputHeight
        || data.width() != cfg.inputWidth
        || data.channels() != cfg.channels) {
      throw new DataException(
          "images are "
              + data.height()
              + "x"
              + data.width()
              + "x"
              + data.channels()
              + " but the config expects input_height x input_width x channels = "
              + cfg.inputHeight
              + "x"
              + cfg.inputWidth
              + "x"
              + cfg.channels);
    }
  }

  private static String describe(TokenizerConfig cfg, Map<String, Double> m) {
    double used = m.get("codes_used");
    return String.format(
        Locale.ROOT,
        "loss %.5f rec %.5f commit %.5f psnr %.2f dB codes/batch %.0f/%d "
            + "(%.1f%%) restarted %.0f lr %.2e",
        m.get("loss"),
        m.get("reconstruction"),
        m.get("commitment"),
        m.get("psnr"),
        used,
        cfg.codebookSize,
        100 * used / cfg.codebookSize,
        m.get("codes_restarted"),
        m.get("lr"));
  }
}
