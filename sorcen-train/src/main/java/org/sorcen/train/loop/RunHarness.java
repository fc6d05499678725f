package org.sorcen.train.loop;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.DirectoryLock;
import org.sorcen.graph.config.TrainConfig;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.MetricsLog;
import org.sorcen.train.run.RunLayout;
import org.sorcen.train.run.StopRequest;
import org.sorcen.train.session.ModelSession;

/**
 * The sequence around the training loop, the same for every trainer that writes a run directory
 * (Sorcen, tokenizer, classifier):
 *
 * <ol>
 *   <li>before anything is written, the resume source is checked ({@link Resume}) and the job
 *       reads what it needs first ({@link Job#prepare});
 *   <li>the run directory is locked, the resume source settled (newer damaged checkpoints set
 *       aside) and the job writes its run files;
 *   <li>the session is opened, then {@code metrics.jsonl} (cut after the start step), then what
 *       else the job writes;
 *   <li>the checkpoint is restored and said so, and the job does what comes before the first
 *       step;
 *   <li>unless the run was already complete, the loop: a metrics row every {@code
 *       train.log_every_steps} and at the last step, a checkpoint every {@code
 *       train.checkpoint_every_steps} / {@code _minutes} before the last step;
 *   <li>the final checkpoint, at the end or wherever a stop request ended the loop, and the job's
 *       finish while everything is still open.
 * </ol>
 *
 * A run without a directory (a data-parallel worker: its chief writes the run) only opens the
 * session, lets the job start, runs the loop and finishes. The job supplies what differs: the
 * session, the step, the progress line, and what it does at each point.
 */
public final class RunHarness {
  /**
   * What the harness needs to know of a run.
   *
   * @param layout where the run writes; null for a run that writes nothing
   * @param resume where it may continue from (its checkpoints are the run's); null without a layout
   * @param command who holds the lock, e.g. "sorcen train"
   * @param name the prefix of the harness's messages, e.g. "sorcen"
   * @param configJson the resolved config the checkpoints record and resume compares
   * @param train the seed, the batch size and the cadences of logging and checkpoints
   */
  public record Plan(
      RunLayout layout,
      Resume resume,
      String command,
      String name,
      String configJson,
      TrainConfig train,
      long stepsPerEpoch,
      long totalSteps) {
    /** A run that writes nothing: no lock, no resume, no metrics, no checkpoints. */
    public static Plan withoutDirectory(TrainConfig train, long stepsPerEpoch, long totalSteps) {
      return new Plan(null, null, null, null, null, train, stepsPerEpoch, totalSteps);
    }
  }

  /** Something the run closes; unlike {@link AutoCloseable} it throws nothing checked. */
  public interface Resource extends AutoCloseable {
    @Override
    void close();
  }

  /** The run so far, for the job's hooks. */
  public static final class Context<S extends ModelSession> {
    private final S session;
    private final RunLayout layout;
    private final MetricsLog metrics;
    private final Path from;
    private long step;
    private Path last;

    Context(S session, RunLayout layout, MetricsLog metrics, long step, Path from) {
      this.session = session;
      this.layout = layout;
      this.metrics = metrics;
      this.step = step;
      this.from = from;
      this.last = from;
    }

    public S session() {
      return session;
    }

    /** The run's layout; null for a run without a directory. */
    public RunLayout layout() {
      return layout;
    }

    /** The run's metrics.jsonl; null for a run without a directory. */
    public MetricsLog metrics() {
      return metrics;
    }

    /** The step the loop starts from. */
    public long step() {
      return step;
    }

    /** The checkpoint the run was restored from; null for a fresh start. */
    public Path from() {
      return from;
    }

    /** The newest checkpoint written or restored, the last good one; null when none yet. */
    public Path last() {
      return last;
    }

    /**
     * Sets the step a run without a directory starts from, in {@link Job#start} (a worker takes
     * the chief's); a run with one starts from its checkpoint.
     */
    public void startAt(long step) {
      if (layout != null) {
        throw new IllegalStateException("a run with a directory starts from its checkpoint");
      }
      this.step = step;
    }
  }

  /**
   * How the run ended.
   *
   * @param first the step this process started from
   * @param reached the step it reached
   * @param seconds the wall time of this process's steps (0 when it took none)
   * @param trainSeconds the run's step time up to {@code reached} over all its processes
   *     (TrainingLoop's training time); NaN when unknown or without a directory
   * @param last the final checkpoint (the restored one when the run was already complete); null
   *     without a directory
   * @param interrupted a stop request ended the loop before the last step
   * @param alreadyComplete the run had reached its last step before this process; no loop ran
   */
  public record Ending(
      long first,
      long reached,
      double seconds,
      double trainSeconds,
      Path last,
      boolean interrupted,
      boolean alreadyComplete) {}

  /**
   * What one trainer does at the harness's points. Only {@link #open}, {@link #describe}, {@link
   * #stepper} and {@link #finish} are required.
   *
   * @param <S> the session
   * @param <R> what the run returns
   */
  public interface Job<S extends ModelSession, R> {
    /**
     * Before the lock, nothing written yet, with the checkpoint the run would resume from (null:
     * a fresh start): what the run reads first. Returns what to close after the lock is released,
     * or null.
     */
    default Resource prepare(Path from) {
      return null;
    }

    /** Under the lock, once the resume source is settled: the files that say what the run is. */
    default void writeRunFiles() {}

    /** Opens the session, under the lock and after the run files. */
    S open();

    /** Whether the run closes the session at its end (false: the caller's own). */
    default boolean ownsSession() {
      return true;
    }

    /** After metrics.jsonl is open: what else the run writes; closed before it, or null. */
    default Resource openWriters(Context<S> run) {
      return null;
    }

    /** Right after the session was restored from {@code run.from()}, before the run says so. */
    default void restored(Context<S> run) {}

    /** Before the first step (after the restore, or on a fresh start). */
    default void start(Context<S> run) {}

    /** The progress line's part for a step's metrics. */
    String describe(Map<String, Double> values);

    /** Adds to the loop what only this run does (evaluations, an agreed stop). */
    default void configure(TrainingLoop loop, Context<S> run) {}

    /** After a metrics row of {@code step} was written: where else it goes. */
    default void logged(long step, Map<String, Double> values) {}

    /** Takes one step. */
    TrainingLoop.Stepper stepper(Context<S> run);

    /** After the final checkpoint, with the session and the writers still open. */
    R finish(Context<S> run, Ending end);
  }

  private final Plan plan;
  private final PrintStream log;
  private final StopRequest stop;
  private boolean removeIfStartFails;

  /** The run directory this process made, until the run has started (see {@link #abandonStartup}). */
  private volatile Path madeForStartup;

  public RunHarness(Plan plan, PrintStream log, StopRequest stop) {
    this.plan = plan;
    this.log = log;
    this.stop = stop;
  }

  /**
   * Removes the run directory when this process made it and the run fails before it has started
   * (the session, the restore, the job's start), so that a refused run leaves nothing behind.
   */
  public RunHarness removingDirectoryIfStartFails() {
    removeIfStartFails = true;
    return this;
  }

  /**
   * Removes the run directory this run made when its start-up has not completed; a no-op
   * afterwards. Also for a halt from another thread, which ends the JVM without unwinding the run.
   */
  public void abandonStartup() {
    Path dir = madeForStartup;
    madeForStartup = null;
    if (dir != null) {
      AtomicFiles.deleteQuietly(dir);
    }
  }

  public <S extends ModelSession, R> R run(Job<S, R> job) {
    if (plan.layout() == null) {
      return runWithoutDirectory(job);
    }
    // Everything that can refuse the run is checked before the run directory is touched.
    Path early = plan.resume().source(plan.configJson(), plan.stepsPerEpoch(), false, note -> {});
    Path dir = plan.layout().root();
    boolean fresh = !Files.exists(dir);
    try (Resource prepared = job.prepare(early);
        DirectoryLock lock = DirectoryLock.acquire(dir, plan.command())) {
      madeForStartup = removeIfStartFails && fresh ? dir : null;
      try {
        return runLocked(job);
      } catch (RuntimeException e) {
        abandonStartup();
        throw e;
      }
    }
  }

  private <S extends ModelSession, R> R runLocked(Job<S, R> job) {
    Resume resume = plan.resume();
    Path from =
        resume.source(
            plan.configJson(),
            plan.stepsPerEpoch(),
            true,
            note -> log.println(plan.name() + ": " + note));
    Checkpoints.Sidecar resumed = from != null ? Checkpoints.readSidecar(from) : null;
    long step = resumed != null ? resumed.step() : 0;
    double trainedSeconds = resumed != null ? resumed.trainSecondsOrNaN() : 0;
    job.writeRunFiles();
    S session = job.open();
    try (Resource owned = job.ownsSession() ? session::close : null;
        MetricsLog metrics = new MetricsLog(plan.layout().metrics(), step)) {
      Context<S> run = new Context<>(session, plan.layout(), metrics, step, from);
      try (Resource writers = job.openWriters(run)) {
        Checkpointer checkpointer =
            new Checkpointer(
                resume.checkpoints(),
                session,
                plan.stepsPerEpoch(),
                plan.train().seed,
                plan.configJson());
        if (from != null) {
          checkpointer.restore(from);
          job.restored(run);
          log.printf("%s: resuming from %s (step %d)%n", plan.name(), from, step);
        }
        job.start(run);
        madeForStartup = null; // started: from here on the directory holds the run's record
        if (from != null && step >= plan.totalSteps()) {
          return job.finish(run, new Ending(step, step, 0, trainedSeconds, from, false, true));
        }
        TrainConfig t = plan.train();
        long start = System.nanoTime();
        TrainingLoop loop = loop(job).resumeTrainTime(trainedSeconds);
        job.configure(loop, run);
        loop.onLog(
                Cadence.steps(t.logEverySteps).orAt(plan.totalSteps()),
                (at, values) -> {
                  metrics.append("train", at, values);
                  job.logged(at, values);
                })
            .onCheckpoint(
                Cadence.minutes(t.checkpointEveryMinutes)
                    .or(Cadence.steps(t.checkpointEverySteps))
                    .before(plan.totalSteps()),
                (at, values) -> run.last = checkpointer.save(at, loop.trainSeconds()));
        long reached = loop.run(step, job.stepper(run));
        double seconds = (System.nanoTime() - start) / 1e9;
        run.last = checkpointer.save(reached, loop.trainSeconds());
        return job.finish(
            run,
            new Ending(
                step,
                reached,
                seconds,
                loop.trainSeconds(),
                run.last,
                reached < plan.totalSteps(),
                false));
      }
    }
  }

  private <S extends ModelSession, R> R runWithoutDirectory(Job<S, R> job) {
    S session = job.open();
    try (Resource owned = job.ownsSession() ? session::close : null) {
      Context<S> run = new Context<>(session, null, null, 0, null);
      job.start(run);
      long step = run.step();
      if (step >= plan.totalSteps()) {
        return job.finish(run, new Ending(step, step, 0, Double.NaN, null, false, true));
      }
      long start = System.nanoTime();
      TrainingLoop loop = loop(job);
      job.configure(loop, run);
      long reached = loop.run(step, job.stepper(run));
      double seconds = (System.nanoTime() - start) / 1e9;
      return job.finish(
          run,
          new Ending(step, reached, seconds, Double.NaN, null, reached < plan.totalSteps(), false));
    }
  }

  private TrainingLoop loop(Job<?, ?> job) {
    return new TrainingLoop(
        log, plan.totalSteps(), plan.stepsPerEpoch(), plan.train().batchSize, stop, job::describe);
  }
}
