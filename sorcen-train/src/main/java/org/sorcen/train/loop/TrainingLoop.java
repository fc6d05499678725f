package org.sorcen.train.loop;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.sorcen.train.run.ProgressBar;
import org.sorcen.train.run.StopRequest;
import org.sorcen.train.session.StepMetrics;

/**
 * The steps of a run from a start step to its end or a stop request, with the progress bar and
 * three duties after a step, each on its own {@link Cadence}: log (given the step's metrics and
 * the samples/s since the last log), checkpoint, evaluate, in that order. The trainers supply
 * the step and the duties; the loop owns the order, the step count, the throughput window and the
 * run's training time, so all of them report and resume alike.
 *
 * <p>The training time ({@link #trainSeconds}) is the run's step time summed over every process
 * that trained it: checkpoints and evaluations left out, resumed from the checkpoint a process
 * starts from. A k-NN-against-time curve read from it charges a resumed run neither the pause nor
 * the steps a kill made it repeat.
 */
public final class TrainingLoop {
  /** Takes the step after {@code done} steps; null when the input ended an epoch without a step. */
  public interface Stepper {
    StepMetrics step(long done);
  }

  /** A duty after {@code step} steps, given that step's metrics. */
  public interface Hook {
    void run(long step, Map<String, Double> values);
  }

  private static final Hook NOTHING = (step, values) -> {};

  /** The log row's field with {@link #trainSeconds}. */
  public static final String TRAIN_SECONDS = "train_seconds";

  private final PrintStream log;
  private final long totalSteps;
  private final long stepsPerEpoch;
  private final int batch;
  private final Function<Map<String, Double>, String> describe;
  private Cadence logEvery = Cadence.never();
  private Hook logHook = NOTHING;
  private Cadence checkpointEvery = Cadence.never();
  private Hook checkpointHook = NOTHING;
  private Cadence evaluateEvery = Cadence.never();
  private Hook evaluateHook = NOTHING;
  private BooleanSupplier stopped;
  private double trainSeconds;

  /**
   * @param describe the progress line's losses for a step's metrics
   * @param stop asked before every step; when requested the loop returns where it is
   */
  public TrainingLoop(
      PrintStream log,
      long totalSteps,
      long stepsPerEpoch,
      int batch,
      StopRequest stop,
      Function<Map<String, Double>, String> describe) {
    this.log = log;
    this.totalSteps = totalSteps;
    this.stepsPerEpoch = stepsPerEpoch;
    this.batch = batch;
    this.describe = describe;
    this.stopped = stop::requested;
  }

  /**
   * Stops when {@code agreed} says so (asked before every step) instead of at the local request:
   * data-parallel workers must stop after the same step, so the request is voted on inside the step
   * and the vote's outcome, the same on every worker, ends the loop.
   */
  public TrainingLoop stopWhen(BooleanSupplier agreed) {
    stopped = agreed;
    return this;
  }

  /**
   * Continues the training time of the checkpoint the run resumes from; NaN when that checkpoint
   * predates the field (the time is then unknown and left out of the rows).
   */
  public TrainingLoop resumeTrainTime(double seconds) {
    trainSeconds = seconds;
    return this;
  }

  /** The run's step time so far (from its first step, across resumes); NaN when unknown. */
  public double trainSeconds() {
    return trainSeconds;
  }

  /**
   * Log rows: {@code hook} gets the metrics without "step", plus "samples_per_second" and, when
   * known, "train_seconds".
   */
  public TrainingLoop onLog(Cadence when, Hook hook) {
    logEvery = when;
    logHook = hook;
    return this;
  }

  public TrainingLoop onCheckpoint(Cadence when, Hook hook) {
    checkpointEvery = when;
    checkpointHook = hook;
    return this;
  }

  public TrainingLoop onEvaluate(Cadence when, Hook hook) {
    evaluateEvery = when;
    evaluateHook = hook;
    return this;
  }

  /** Trains from {@code step}; returns the step reached (below totalSteps when stopped). */
  public long run(long step, Stepper stepper) {
    ProgressBar bar = new ProgressBar(log, step, totalSteps);
    long windowStart = System.nanoTime();
    long windowSteps = 0;
    double timeBeforeWindow = trainSeconds;
    while (step < totalSteps && !stopped.getAsBoolean()) {
      StepMetrics m = stepper.step(step);
      if (m == null) {
        continue;
      }
      step = m.step() + 1;
      windowSteps++;
      double seconds = (System.nanoTime() - windowStart) / 1e9;
      double samplesPerSecond = windowSteps * batch / Math.max(seconds, 1e-9);
      trainSeconds = timeBeforeWindow + seconds;
      boolean logDue = logEvery.due(step);
      bar.update(
          step,
          step / (double) stepsPerEpoch,
          samplesPerSecond,
          describe.apply(m.values()),
          logDue);
      if (logDue) {
        Map<String, Double> values = new LinkedHashMap<>(m.values());
        values.remove("step");
        values.put("samples_per_second", samplesPerSecond);
        if (Double.isFinite(trainSeconds)) {
          values.put(TRAIN_SECONDS, trainSeconds);
        }
        logHook.run(step, values);
        logEvery.done(step);
        windowStart = System.nanoTime();
        windowSteps = 0;
        timeBeforeWindow = trainSeconds;
      }
      // Checkpoints and evaluations are left out of the window: samples/s measures training steps,
      // so that a metrics file's step time (the experiment's k-NN-against-time figure) excludes
      // them.
      long hooksStart = System.nanoTime();
      if (checkpointEvery.due(step)) {
        checkpointHook.run(step, m.values());
        checkpointEvery.done(step);
      }
      if (evaluateEvery.due(step)) {
        bar.breakLine();
        evaluateHook.run(step, m.values());
        evaluateEvery.done(step);
      }
      windowStart += System.nanoTime() - hooksStart;
    }
    return step;
  }
}
