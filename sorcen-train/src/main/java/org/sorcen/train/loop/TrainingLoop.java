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
 * the step and the duties; the loop owns the order, the step count and the throughput window, so
 * all of them report and resume alike.
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

  /** Log rows: {@code hook} gets the metrics without "step", plus "samples_per_second". */
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
    while (step < totalSteps && !stopped.getAsBoolean()) {
      StepMetrics m = stepper.step(step);
      if (m == null) {
        continue;
      }
      step = m.step() + 1;
      windowSteps++;
      double seconds = (System.nanoTime() - windowStart) / 1e9;
      double samplesPerSecond = windowSteps * batch / Math.max(seconds, 1e-9);
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
        logHook.run(step, values);
        logEvery.done(step);
        windowStart = System.nanoTime();
        windowSteps = 0;
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
