package org.sorcen.train.run;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.DirectoryLock;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.config.TrainConfig;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.train.cluster.Workers;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.loop.Cadence;
import org.sorcen.train.loop.Checkpointer;
import org.sorcen.train.loop.Resume;
import org.sorcen.train.loop.TrainingLoop;
import org.sorcen.train.session.BatchInput;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.StepMetrics;
import org.sorcen.train.session.TrainingSession;
import org.sorcen.train.tokenizer.Tokenizer;

/**
 * A pre-training run from a token dataset into a run directory: resume, in-graph input,
 * progress, metrics and TensorBoard, checkpoints, evaluators, clean stop on SIGINT/SIGTERM, and
 * the run's SavedModels at the end. Every check that can refuse the run comes before anything is
 * written; the run directory is locked while the run writes it.
 * Resume order: the run's own newest intact checkpoint, else {@code resumeFrom}, else {@code initFrom}
 * (official weights only), else scratch.
 */
public final class Trainer {
  /** What to run. {@code resumeFrom} and {@code initFrom} may be null. */
  public record Options(
      SorcenConfig config,
      Path data,
      Path runDir,
      Path resumeFrom,
      Path initFrom,
      SessionSettings settings,
      Path tokenizer,
      Workers workers,
      Path images) {
    /** One process. */
    public Options(
        SorcenConfig config,
        Path data,
        Path runDir,
        Path resumeFrom,
        Path initFrom,
        SessionSettings settings,
        Path tokenizer) {
      this(config, data, runDir, resumeFrom, initFrom, settings, tokenizer, null, null);
    }

    /** On a token dataset (train.input "tokens"). */
    public Options(
        SorcenConfig config,
        Path data,
        Path runDir,
        Path resumeFrom,
        Path initFrom,
        SessionSettings settings,
        Path tokenizer,
        Workers workers) {
      this(config, data, runDir, resumeFrom, initFrom, settings, tokenizer, workers, null);
    }
  }

  /** How the run ended. */
  public record Outcome(
      long step,
      long totalSteps,
      boolean interrupted,
      Map<String, Double> evaluation,
      Path lastCheckpoint,
      List<Path> exported) {}

  private final Options o;
  private final PrintStream log;
  private final StopRequest stop;

  /** The run directory this process made, until the run has started (see {@link #abandonStartup}). */
  private volatile Path madeForStartup;

  public Trainer(Options options, PrintStream log, StopRequest stop) {
    this.o = options;
    this.log = log;
    this.stop = stop;
  }

  /** The tokenizer the run draws with, or null. */
  public Path tokenizer() {
    return o.tokenizer();
  }

  public Outcome run() {
    SorcenConfig config = o.config();
    String configJson = ConfigLoader.toJson(config);
    // Everything that can refuse the run is checked before the run directory is touched.
    TokenDataset data = TokenDataset.open(o.data());
    data.checkCompatible(config.model, config.name);
    long records = data.verify("train");
    for (String split : data.manifest().splits.keySet()) {
      if (!split.equals("train")) {
        data.verify(split); // a damaged held-out shard would otherwise surface only at the end
      }
    }
    String heldOut = config.eval.heldOutSplit;
    boolean hasHeldOut = data.manifest().splits.containsKey(heldOut);
    int batch = config.train.batchSize;
    if (o.workers() != null && batch % o.workers().spec().size() != 0) {
      throw new ConfigException(
          "train.batch_size "
              + batch
              + " (the global batch) does not split evenly over "
              + o.workers().spec().size()
              + " workers: use a multiple of "
              + o.workers().spec().size());
    }
    BatchInput.FromImages rawImages = null;
    if (TrainConfig.IMAGES.equals(config.train.input)) {
      // Official MAGE: the raw images are the training data; the token dataset's held-out split
      // (the same tokenizer's ids, checked) serves the evaluators.
      rawImages = OnlineInput.open(o, data, withLabelsOf(config, data));
      records = rawImages.images().count();
    }
    long stepsPerEpoch = records / batch;
    if (stepsPerEpoch == 0) {
      throw new DataException(
          "train.batch_size "
              + batch
              + " is larger than the "
              + records
              + " records of "
              + (rawImages != null ? o.images() + " (images)" : o.data() + " (split train)")
              + ": lower it, e.g. "
              + "--batch-size "
              + Math.max(2, records / 4));
    }
    long totalSteps = Math.round(config.train.epochs * stepsPerEpoch);
    boolean withLabels = withLabelsOf(config, data);
    if (o.workers() != null && !o.workers().isChief()) {
      // Only the chief writes the run directory; this worker trains its share of every step.
      return new WorkerRun(o, log, stop)
          .run(data, records, stepsPerEpoch, totalSteps, withLabels, configJson);
    }
    RunLayout layout = new RunLayout(o.runDir());
    RunAdoption.require(layout, configJson);
    Checkpoints checkpoints = new Checkpoints(layout.checkpoints(), config.train.keepCheckpoints);
    Path resumeFrom = resumeSource(checkpoints, configJson, stepsPerEpoch, false, note -> {});
    Safetensors init =
        resumeFrom == null && o.initFrom() != null ? Safetensors.read(o.initFrom()) : null;
    BatchInput input =
        rawImages != null
            ? rawImages
            : new BatchInput.FromShards(
                data.shards("train"),
                batch,
                Math.min(config.train.shuffleBuffer, records),
                withLabels);

    boolean fresh = !Files.exists(o.runDir());
    try (Tokenizer tokenizer = o.tokenizer() != null ? Tokenizer.load(o.tokenizer()) : null;
        DirectoryLock lock = DirectoryLock.acquire(o.runDir(), "sorcen train")) {
      madeForStartup = fresh ? o.runDir() : null;
      try {
        return runLocked(
            layout,
            checkpoints,
            configJson,
            data,
            records,
            stepsPerEpoch,
            totalSteps,
            input,
            init,
            tokenizer,
            hasHeldOut);
      } catch (RuntimeException e) {
        abandonStartup(); // a run that failed before it started leaves no directory it made
        throw e;
      }
    }
  }

  private static boolean withLabelsOf(SorcenConfig config, TokenDataset data) {
    return config.model.numClasses > 0 && data.manifest().numClasses > 0;
  }

  /**
   * Removes the run directory this run made when its start-up has not completed (a failure of the
   * session, of the restore, of the workers' start-up agreement); a no-op afterwards. Also called
   * from the cluster watchdog's halt, which ends the JVM without unwinding this thread.
   */
  public void abandonStartup() {
    Path dir = madeForStartup;
    madeForStartup = null;
    if (dir != null) {
      AtomicFiles.deleteQuietly(dir);
    }
  }

  private Outcome runLocked(
      RunLayout layout,
      Checkpoints checkpoints,
      String configJson,
      TokenDataset data,
      long records,
      long stepsPerEpoch,
      long totalSteps,
      BatchInput input,
      Safetensors init,
      Tokenizer tokenizer,
      boolean hasHeldOut) {
    SorcenConfig config = o.config();
    int batch = config.train.batchSize;
    String heldOut = config.eval.heldOutSplit;
    // Under the lock: set aside damaged newer checkpoints and settle where to start.
    Path resumeFrom =
        resumeSource(
            checkpoints, configJson, stepsPerEpoch, true, note -> log.println("sorcen: " + note));
    long step = resumeFrom != null ? Checkpoints.readSidecar(resumeFrom).step() : 0;
    writeRunFiles();
    try (TrainingSession session =
            TrainingSession.create(config, input, stepsPerEpoch, o.settings(), o.workers());
        MetricsLog metrics = new MetricsLog(layout.metrics(), step);
        EventFileWriter events = new EventFileWriter(layout.events())) {
      Checkpointer checkpointer =
          new Checkpointer(checkpoints, session, stepsPerEpoch, config.train.seed, configJson);
      if (resumeFrom != null) {
        checkpointer.restore(resumeFrom);
        events.sessionStart(step);
        log.printf("sorcen: resuming from %s (step %d)%n", resumeFrom, step);
      } else if (init != null) {
        session.loadOfficialWeights(init);
        log.printf("sorcen: initialised the model from %s (optimizer state fresh)%n", o.initFrom());
      }
      Map<String, Double> references =
          references(session, data, metrics, events, layout, step, resumeFrom);
      if (o.workers() != null) {
        session.cluster().voteStop(stop::requested);
        session.cluster().join(WorkerRun.mustAgree(o, data, records, configJson));
        log.printf(
            "sorcen: chief of %d workers; the global batch of %d is %d rows per worker%n",
            o.workers().spec().size(), batch, batch / o.workers().spec().size());
      }
      log.printf(
          Locale.ROOT,
          "sorcen: %s (%s) on %s: %d records, %d steps/epoch, %d steps; run dir %s%n",
          config.name,
          config.method,
          o.data(),
          records,
          stepsPerEpoch,
          totalSteps,
          o.runDir());
      madeForStartup = null; // started: from here on the directory holds the run's record
      RunPictures pictures =
          tokenizer != null ? new RunPictures(tokenizer, layout.pictures(), events) : null;
      Map<String, Double> evaluation;
      Path last = resumeFrom;
      boolean interrupted = false;
      if (step >= totalSteps && resumeFrom != null) {
        log.printf("sorcen: the run was already complete at step %d%n", step);
        evaluation = MetricsLog.lastEvaluation(layout.metrics());
      } else {
        Loop loop =
            new Loop(
                session,
                checkpointer,
                metrics,
                events,
                pictures,
                data,
                stepsPerEpoch,
                totalSteps,
                resumeFrom);
        step = loop.run(step);
        last = checkpointer.save(step);
        interrupted = step < totalSteps;
        evaluation = loop.evaluation;
        if (interrupted) {
          log.printf(
              "%nsorcen: %s at step %d of %d; checkpoint %s written. Resume with the same command "
                  + "(it continues from the run directory's latest checkpoint).%n",
              stopReason(stop, session), step, totalSteps, last);
        } else {
          if (hasHeldOut) {
            evaluation =
                evaluate(session, data, heldOut, step, metrics, events, pictures, references);
            String summary = ReferencePoints.summary(references, evaluation);
            if (summary != null) {
              log.println("sorcen: " + summary);
            }
          }
          if (pictures != null) {
            log.printf("sorcen: generated samples: %s%n", pictures.samples(session, step));
          }
        }
      }
      List<Path> exported =
          interrupted ? List.of() : Run.ensureFinalExport(config, o.runDir(), last, o.tokenizer());
      return new Outcome(step, totalSteps, interrupted, evaluation, last, exported);
    }
  }

  /** The steps between a start and the end of the run or a stop request, with their side duties. */
  private final class Loop {
    final TrainingSession session;
    final Checkpointer checkpointer;
    final MetricsLog metrics;
    final EventFileWriter events;
    final RunPictures pictures;
    final TokenDataset data;
    final long stepsPerEpoch;
    final long totalSteps;
    Path last;
    Map<String, Double> evaluation = Map.of();

    /** Set by an evaluation with pictures: the next step also draws its echoes. */
    boolean echoDue;

    Loop(
        TrainingSession session,
        Checkpointer checkpointer,
        MetricsLog metrics,
        EventFileWriter events,
        RunPictures pictures,
        TokenDataset data,
        long stepsPerEpoch,
        long totalSteps,
        Path last) {
      this.session = session;
      this.checkpointer = checkpointer;
      this.metrics = metrics;
      this.events = events;
      this.pictures = pictures;
      this.data = data;
      this.stepsPerEpoch = stepsPerEpoch;
      this.totalSteps = totalSteps;
      this.last = last;
    }

    /** Trains from {@code step}; returns the step reached. */
    long run(long step) {
      SorcenConfig config = o.config();
      TrainConfig t = config.train;
      boolean hasHeldOut = data.manifest().splits.containsKey(config.eval.heldOutSplit);
      TrainingLoop loop =
          new TrainingLoop(log, totalSteps, stepsPerEpoch, t.batchSize, stop, Trainer::losses);
      if (o.workers() != null) {
        loop.stopWhen(session.cluster()::stopAgreed);
      }
      loop.onLog(
              Cadence.steps(t.logEverySteps).orAt(totalSteps),
              (at, values) -> {
                metrics.append("train", at, values);
                events.scalars(at, values);
              })
          .onCheckpoint(
              Cadence.minutes(t.checkpointEveryMinutes)
                  .or(Cadence.steps(t.checkpointEverySteps))
                  .before(totalSteps),
              (at, values) -> last = checkpointer.save(at))
          .onEvaluate(
              hasHeldOut
                  ? Cadence.epochs(config.eval.everyEpochs, stepsPerEpoch, step).before(totalSteps)
                  : Cadence.never(),
              (at, values) -> {
                evaluation =
                    evaluate(
                        session, data, config.eval.heldOutSplit, at, metrics, events, pictures);
                if (pictures != null) {
                  pictures.samples(session, at);
                  echoDue = true;
                }
              });
      return loop.run(
          step,
          done -> {
            session.positionFor(done, stepsPerEpoch);
            StepMetrics m;
            if (echoDue && pictures != null && config.isSorcen()) {
              TrainingSession.EchoSnapshot snap = session.stepWithEcho();
              m = snap != null ? snap.metrics() : null;
              if (snap != null) {
                checkFinite(m, last);
                pictures.echoes(snap.tokens(), snap.echo(), m.step() + 1, config.model.maskId());
                echoDue = false;
              }
            } else {
              m = session.step();
            }
            if (m == null) {
              throw endedEarly(done, stepsPerEpoch);
            }
            checkFinite(m, last);
            return m;
          });
    }
  }

  /**
   * Where the run continues from, per the resume order: the run's newest intact checkpoint (newer
   * damaged ones reported to {@code damaged}, and set aside when {@code setAside}: once the run
   * holds its lock), else {@code --resume-from}; null for a fresh start.
   */
  private Path resumeSource(
      Checkpoints checkpoints,
      String configJson,
      long stepsPerEpoch,
      boolean setAside,
      Consumer<String> damaged) {
    return new Resume(
            checkpoints, o.resumeFrom(), "--resume-from", "start a new run without --resume-from")
        .source(configJson, stepsPerEpoch, setAside, damaged);
  }

  private void writeRunFiles() {
    RunInfo info = RunInfo.of(o.data(), o.tokenizer());
    if (o.images() != null && TrainConfig.IMAGES.equals(o.config().train.input)) {
      info.with("images", o.images());
    }
    Run.create(o.runDir(), o.config(), info);
  }

  /**
   * The k-NN reference points: computed on the weights the run starts from when it starts at step
   * 0, read back from the run's metrics when it resumes; empty when the run has no k-NN.
   */
  private Map<String, Double> references(
      TrainingSession session,
      TokenDataset data,
      MetricsLog metrics,
      EventFileWriter events,
      RunLayout layout,
      long step,
      Path resumeFrom) {
    if (!ReferencePoints.apply(o.config(), data)) {
      return Map.of();
    }
    if (step > 0 || resumeFrom != null) {
      return MetricsLog.last(layout.metrics(), ReferencePoints.KIND);
    }
    Map<String, Double> refs = ReferencePoints.compute(o.config(), session, data, log);
    metrics.append(ReferencePoints.KIND, 0, refs);
    events.scalars(0, refs);
    return refs;
  }

  private Map<String, Double> evaluate(
      TrainingSession session,
      TokenDataset data,
      String heldOut,
      long step,
      MetricsLog metrics,
      EventFileWriter events,
      RunPictures pictures) {
    return evaluate(session, data, heldOut, step, metrics, events, pictures, Map.of());
  }

  /** The evaluators' figures, with {@code extra} (the final evaluation's reference points) in the same row. */
  private Map<String, Double> evaluate(
      TrainingSession session,
      TokenDataset data,
      String heldOut,
      long step,
      MetricsLog metrics,
      EventFileWriter events,
      RunPictures pictures,
      Map<String, Double> extra) {
    Map<String, Double> out =
        new LinkedHashMap<>(
            PeriodicEvaluation.at(
                step,
                o.config(),
                session,
                data,
                heldOut,
                pictures != null ? pictures.tokenizer() : null,
                log));
    if (!out.isEmpty()) {
      out.putAll(extra);
    }
    if (!out.isEmpty()) {
      metrics.append("eval", step, out);
      events.scalars(step, out);
    }
    return out;
  }

  /**
   * Why a run stopped early: this process's signal, or (data-parallel) how many workers were
   * signalled; every worker stops after the same step either way.
   */
  static String stopReason(StopRequest stop, TrainingSession session) {
    if (stop.requested()) {
      return stop.signal();
    }
    return "stopped with the other workers ("
        + session.cluster().stopVotes()
        + " of them got SIGINT/SIGTERM)";
  }

  /** The dataset served fewer batches than its record count promised: a bug, or a shard changed mid-run. */
  static IllegalStateException endedEarly(long done, long stepsPerEpoch) {
    return new IllegalStateException(
        "the dataset ended an epoch after "
            + (done % stepsPerEpoch)
            + " of its "
            + stepsPerEpoch
            + " batches");
  }

  private static void checkFinite(StepMetrics m, Path lastGood) {
    for (double v : m.values().values()) {
      if (!Double.isFinite(v)) {
        throw new TrainingStopped(
            "non-finite loss at step "
                + m.step()
                + ": "
                + m.values()
                + "; the last good "
                + "checkpoint is "
                + (lastGood != null ? lastGood : "none (no checkpoint was written yet)")
                + ". Lower optimizer.blr or check the data.");
      }
    }
  }

  static String losses(Map<String, Double> values) {
    StringBuilder s = new StringBuilder();
    for (var e : values.entrySet()) {
      if (e.getKey().startsWith("loss/") || e.getKey().startsWith("classifier/")) {
        s.append(
            String.format(
                Locale.ROOT,
                "%s %.4f  ",
                e.getKey().substring(e.getKey().indexOf('/') + 1),
                e.getValue()));
      }
    }
    return s.toString().trim();
  }
}
