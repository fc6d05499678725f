package org.sorcen.train.pretrain;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.config.TrainConfig;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.train.cluster.Workers;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.loop.Cadence;
import org.sorcen.train.loop.Resume;
import org.sorcen.train.loop.RunHarness;
import org.sorcen.train.loop.TrainingLoop;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.EventFileWriter;
import org.sorcen.train.run.MetricsLog;
import org.sorcen.train.run.RunAdoption;
import org.sorcen.train.run.RunInfo;
import org.sorcen.train.run.RunLayout;
import org.sorcen.train.run.StopRequest;
import org.sorcen.train.run.TrainingStopped;
import org.sorcen.train.session.BatchInput;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.StepMetrics;
import org.sorcen.train.session.TrainingSession;

/**
 * A pre-training run from a token dataset into a run directory: resume, in-graph input,
 * progress, metrics and TensorBoard, checkpoints, evaluators, clean stop on SIGINT/SIGTERM, and
 * the run's SavedModels at the end. Every check that can refuse the run comes before anything is
 * written; the run directory is locked while the run writes it. The sequence around the loop is
 * {@link RunHarness}'s; what only this run does is its {@code Chief} job, or {@link WorkerRun}'s.
 * Resume order: the run's own newest intact checkpoint, else {@code resumeFrom}, else {@code initFrom}
 * (official weights only), else scratch.
 */
public final class Trainer {
  /** What to run. {@code resumeFrom} and {@code initFrom} may be null. */
  public record Options(
      JobConfig config,
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
        JobConfig config,
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
        JobConfig config,
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

  /** The chief's harness once built, for {@link #abandonStartup} from the watchdog's thread. */
  private volatile RunHarness harness;

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
    JobConfig config = o.config();
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
    RunHarness.Plan plan =
        new RunHarness.Plan(
            layout,
            new Resume(
                new Checkpoints(layout.checkpoints(), config.train.keepCheckpoints),
                o.resumeFrom(),
                "--resume-from",
                "start a new run without --resume-from"),
            "sorcen train",
            "sorcen",
            configJson,
            config.train,
            stepsPerEpoch,
            totalSteps);
    RunHarness h = new RunHarness(plan, log, stop).removingDirectoryIfStartFails();
    harness = h;
    return h.run(
        new Chief(
            layout,
            configJson,
            data,
            records,
            stepsPerEpoch,
            totalSteps,
            rawImages,
            withLabels,
            hasHeldOut));
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
    RunHarness h = harness;
    if (h != null) {
      h.abandonStartup();
    }
  }

  /**
   * The chief's (or the only process's) run around the harness: the official weights to start
   * from, the TensorBoard events, the k-NN reference points, the workers' start-up agreement, the
   * evaluations and pictures, and the final evaluation and export.
   */
  private final class Chief implements RunHarness.Job<TrainingSession, Outcome> {
    final RunLayout layout;
    final String configJson;
    final TokenDataset data;
    final long records;
    final long stepsPerEpoch;
    final long totalSteps;
    final BatchInput.FromImages rawImages;
    final boolean withLabels;
    final boolean hasHeldOut;
    Safetensors init;
    BatchInput input;
    Tokenizer tokenizer;
    TrainingSession session;
    MetricsLog metrics;
    EventFileWriter events;
    RunPictures pictures;
    Map<String, Double> references;
    Map<String, Double> evaluation = Map.of();

    /** Set by an evaluation with pictures: the next step also draws its echoes. */
    boolean echoDue;

    Chief(
        RunLayout layout,
        String configJson,
        TokenDataset data,
        long records,
        long stepsPerEpoch,
        long totalSteps,
        BatchInput.FromImages rawImages,
        boolean withLabels,
        boolean hasHeldOut) {
      this.layout = layout;
      this.configJson = configJson;
      this.data = data;
      this.records = records;
      this.stepsPerEpoch = stepsPerEpoch;
      this.totalSteps = totalSteps;
      this.rawImages = rawImages;
      this.withLabels = withLabels;
      this.hasHeldOut = hasHeldOut;
    }

    /** The official weights (only for a fresh start), the input and the pictures' tokenizer. */
    @Override
    public RunHarness.Resource prepare(Path from) {
      init = from == null && o.initFrom() != null ? Safetensors.read(o.initFrom()) : null;
      input =
          rawImages != null
              ? rawImages
              : new BatchInput.FromShards(
                  data.shards("train"),
                  o.config().train.batchSize,
                  Math.min(o.config().train.shuffleBuffer, records),
                  withLabels);
      tokenizer = o.tokenizer() != null ? Tokenizer.load(o.tokenizer()) : null;
      return tokenizer != null ? tokenizer::close : null;
    }

    @Override
    public void writeRunFiles() {
      RunInfo info = RunInfo.of(o.data(), o.tokenizer());
      if (o.images() != null && TrainConfig.IMAGES.equals(o.config().train.input)) {
        info.with("images", o.images());
      }
      Run.create(o.runDir(), o.config(), info);
    }

    @Override
    public TrainingSession open() {
      session = TrainingSession.create(o.config(), input, stepsPerEpoch, o.settings(), o.workers());
      return session;
    }

    @Override
    public RunHarness.Resource openWriters(RunHarness.Context<TrainingSession> run) {
      metrics = run.metrics();
      events = new EventFileWriter(layout.events());
      return events::close;
    }

    /** TensorBoard discards what earlier event files logged after the step resumed from. */
    @Override
    public void restored(RunHarness.Context<TrainingSession> run) {
      events.sessionStart(run.step());
    }

    @Override
    public void start(RunHarness.Context<TrainingSession> run) {
      SorcenConfig config = o.config();
      int batch = config.train.batchSize;
      if (run.from() == null && init != null) {
        session.loadOfficialWeights(init);
        log.printf("sorcen: initialised the model from %s (optimizer state fresh)%n", o.initFrom());
      }
      references = references(run.step(), run.from());
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
      pictures = tokenizer != null ? new RunPictures(tokenizer, layout.pictures(), events) : null;
    }

    @Override
    public String describe(Map<String, Double> values) {
      return losses(values);
    }

    @Override
    public void configure(TrainingLoop loop, RunHarness.Context<TrainingSession> run) {
      JobConfig config = o.config();
      if (o.workers() != null) {
        loop.stopWhen(session.cluster()::stopAgreed);
      }
      loop.onEvaluate(
          hasHeldOut
              ? Cadence.epochs(config.eval.everyEpochs, stepsPerEpoch, run.step())
                  .before(totalSteps)
              : Cadence.never(),
          (at, values) -> {
            evaluation = evaluate(at, Map.of(), loop.trainSeconds());
            if (pictures != null) {
              pictures.samples(session, at);
              echoDue = true;
            }
          });
    }

    @Override
    public void logged(long step, Map<String, Double> values) {
      events.scalars(step, values);
    }

    @Override
    public TrainingLoop.Stepper stepper(RunHarness.Context<TrainingSession> run) {
      SorcenConfig config = o.config();
      return done -> {
        session.positionFor(done, stepsPerEpoch);
        StepMetrics m;
        if (echoDue && pictures != null && config.isSorcen()) {
          TrainingSession.EchoSnapshot snap = session.stepWithEcho();
          m = snap != null ? snap.metrics() : null;
          if (snap != null) {
            checkFinite(m, run.last());
            pictures.echoes(snap.tokens(), snap.echo(), m.step() + 1, config.model.maskId());
            echoDue = false;
          }
        } else {
          m = session.step();
        }
        if (m == null) {
          throw endedEarly(done, stepsPerEpoch);
        }
        checkFinite(m, run.last());
        return m;
      };
    }

    /**
     * A stopped run says how to resume; a finished one evaluates on the held-out split (with the
     * reference points in the same row) and draws samples; unless stopped, the run's models are
     * exported.
     */
    @Override
    public Outcome finish(RunHarness.Context<TrainingSession> run, RunHarness.Ending end) {
      long step = end.reached();
      if (end.alreadyComplete()) {
        log.printf("sorcen: the run was already complete at step %d%n", step);
        evaluation = new LinkedHashMap<>(MetricsLog.lastEvaluation(layout.metrics()));
        evaluation.remove(TrainingLoop.TRAIN_SECONDS);
      } else if (end.interrupted()) {
        log.printf(
            "%nsorcen: %s at step %d of %d; checkpoint %s written. Resume with the same command "
                + "(it continues from the run directory's latest checkpoint).%n",
            stopReason(stop, session), step, totalSteps, end.last());
      } else {
        if (hasHeldOut) {
          evaluation = evaluate(step, references, end.trainSeconds());
          String summary = ReferencePoints.summary(references, evaluation);
          if (summary != null) {
            log.println("sorcen: " + summary);
          }
        }
        if (pictures != null) {
          log.printf("sorcen: generated samples: %s%n", pictures.samples(session, step));
        }
      }
      List<Path> exported =
          end.interrupted()
              ? List.of()
              : Run.ensureFinalExport(o.config(), o.runDir(), end.last(), o.tokenizer());
      return new Outcome(step, totalSteps, end.interrupted(), evaluation, end.last(), exported);
    }

    /**
     * The k-NN reference points: computed on the weights the run starts from when it starts at
     * step 0, read back from the run's metrics when it resumes; empty when the run has no k-NN.
     */
    private Map<String, Double> references(long step, Path resumeFrom) {
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

    /**
     * The evaluators' figures, with {@code extra} (the final evaluation's reference points) in the
     * same row. The metrics row also carries the run's training time at {@code step} (when known):
     * the time axis of its k-NN curve.
     */
    private Map<String, Double> evaluate(
        long step, Map<String, Double> extra, double trainSeconds) {
      Map<String, Double> out =
          new LinkedHashMap<>(
              PeriodicEvaluation.at(
                  step,
                  o.config(),
                  session,
                  data,
                  o.config().eval.heldOutSplit,
                  pictures != null ? pictures.tokenizer() : null,
                  log));
      if (!out.isEmpty()) {
        out.putAll(extra);
      }
      if (!out.isEmpty()) {
        Map<String, Double> row = new LinkedHashMap<>(out);
        if (Double.isFinite(trainSeconds)) {
          row.put(TrainingLoop.TRAIN_SECONDS, trainSeconds);
        }
        metrics.append("eval", step, row);
        events.scalars(step, out);
      }
      return out;
    }
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
