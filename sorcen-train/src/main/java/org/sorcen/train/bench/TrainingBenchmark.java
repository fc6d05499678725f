package org.sorcen.train.bench;

import java.util.Arrays;
import java.util.Random;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.ModelFlops;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.session.BatchInput;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.TrainingSession;

/**
 * Times training steps of a config on a constant in-memory batch: median wall time per step after
 * warm-up steps (graph optimisation and XLA compilation happen there), samples/s and model FLOP/s.
 */
public final class TrainingBenchmark {
  /** One measured setting. */
  public record Result(
      String name,
      int batch,
      boolean xla,
      double msPerStep,
      double samplesPerSecond,
      double flopsPerSecond,
      double firstStepMs) {}

  private TrainingBenchmark() {}

  /**
   * Times steps that read their batches in-graph from a dataset's training split (same config), to
   * compare with the constant in-memory batch of {@link #run}.
   */
  public static Result runFromDataset(
      SorcenConfig config,
      TokenDataset data,
      int warmupSteps,
      int timedSteps,
      SessionSettings settings) {
    int batch = config.train.batchSize;
    long records = data.manifest().splits.get("train").records;
    boolean withLabels = config.model.numClasses > 0 && data.manifest().numClasses > 0;
    BatchInput input =
        new BatchInput.FromShards(
            data.shards("train"), batch, Math.min(config.train.shuffleBuffer, records), withLabels);
    try (TrainingSession session =
        TrainingSession.create(config, input, Math.max(1, records / batch), settings)) {
      long epoch = 0;
      session.startEpoch(epoch, 0);
      long t0 = System.nanoTime();
      double firstMs = 0;
      double[] ms = new double[timedSteps];
      for (int i = 0; i < warmupSteps + timedSteps; ) {
        long s = System.nanoTime();
        if (session.step() == null) {
          session.startEpoch(++epoch, 0);
          continue;
        }
        double elapsed = (System.nanoTime() - s) / 1e6;
        if (i == 0) {
          firstMs = (System.nanoTime() - t0) / 1e6;
        }
        if (i >= warmupSteps) {
          ms[i - warmupSteps] = elapsed;
        }
        i++;
      }
      Arrays.sort(ms);
      double median = ms[timedSteps / 2];
      double samples = batch / (median / 1000);
      return new Result(
          config.name + " (data)",
          batch,
          settings.xla(),
          median,
          samples,
          samples * ModelFlops.trainingPerSample(config),
          firstMs);
    }
  }

  /**
   * Times official MAGE's step (train.input "images"): each step feeds the raw images of its batch,
   * crops, flips and tokenizes them in-graph with the frozen tokenizer, then trains on the ids.
   * The batches change every step as in training; FLOP/s count the model only, not the tokenizer.
   */
  public static Result runOnImages(
      SorcenConfig config,
      BatchInput.FromImages input,
      int warmupSteps,
      int timedSteps,
      SessionSettings settings) {
    int batch = config.train.batchSize;
    // Schedules read epochs; a long nominal epoch keeps every row inside the same warm-up
    // territory.
    try (TrainingSession session = TrainingSession.create(config, input, 1000, settings)) {
      double firstMs = 0;
      double[] ms = new double[timedSteps];
      for (int i = 0; i < warmupSteps + timedSteps; i++) {
        session.positionFor(i, 1000);
        long s = System.nanoTime();
        session.step();
        double elapsed = (System.nanoTime() - s) / 1e6;
        if (i == 0) {
          firstMs = elapsed;
        }
        if (i >= warmupSteps) {
          ms[i - warmupSteps] = elapsed;
        }
      }
      Arrays.sort(ms);
      double median = ms[timedSteps / 2];
      double samples = batch / (median / 1000);
      return new Result(
          config.name + " (images)",
          batch,
          settings.xla(),
          median,
          samples,
          samples * ModelFlops.trainingPerSample(config),
          firstMs);
    }
  }

  public static Result run(
      SorcenConfig config, int warmupSteps, int timedSteps, SessionSettings settings) {
    int batch = config.train.batchSize;
    int seqLen = config.model.seqLen();
    long[] ids = new long[batch * seqLen];
    long[] labels = new long[batch];
    Random random = new Random(config.train.seed);
    for (int i = 0; i < ids.length; i++) {
      ids[i] = random.nextInt(config.model.codebookSize);
    }
    for (int i = 0; i < batch; i++) {
      labels[i] = config.model.numClasses > 0 ? random.nextInt(config.model.numClasses) : -1;
    }
    boolean withLabels = config.model.numClasses > 0;
    // Schedules read epochs; a long nominal epoch keeps the benchmark inside warm-up-free territory
    // alike for all.
    try (TrainingSession session = TrainingSession.create(config, withLabels, 1000, settings)) {
      long t0 = System.nanoTime();
      session.step(ids, withLabels ? labels : null);
      double firstMs = (System.nanoTime() - t0) / 1e6;
      for (int i = 1; i < warmupSteps; i++) {
        session.step(ids, withLabels ? labels : null);
      }
      double[] ms = new double[timedSteps];
      for (int i = 0; i < timedSteps; i++) {
        long s = System.nanoTime();
        session.step(ids, withLabels ? labels : null);
        ms[i] = (System.nanoTime() - s) / 1e6;
      }
      Arrays.sort(ms);
      double median = ms[timedSteps / 2];
      double samples = batch / (median / 1000);
      return new Result(
          config.name,
          batch,
          settings.xla(),
          median,
          samples,
          samples * ModelFlops.trainingPerSample(config),
          firstMs);
    }
  }
}
