package org.sorcen.train.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.weights.Safetensors;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.eval.Evaluators;
import org.sorcen.train.eval.FrozenFeatures;
import org.sorcen.train.eval.Representations;
import org.sorcen.train.session.BatchInput;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.session.StepMetrics;
import org.sorcen.train.session.TrainingSession;
import org.sorcen.train.tokenizer.Tokenizer;

/**
 * A pre-training run from a token dataset into a run directory: resume, in-graph input,
 * progress, metrics and TensorBoard, checkpoints, evaluators, clean stop on SIGINT/SIGTERM.
 * Resume order: the run's own latest checkpoint, else {@code resumeFrom}, else {@code initFrom}
 * (official weights only), else scratch.
 */
public final class Trainer {
  /** What to run. {@code resumeFrom} and {@code initFrom} may be null. */
  public record Options(SorcenConfig config, Path data, Path runDir, Path resumeFrom, Path initFrom,
      SessionSettings settings, Path tokenizer) {}

  /** How the run ended. */
  public record Outcome(long step, long totalSteps, boolean interrupted, Map<String, Double> evaluation,
      Path lastCheckpoint) {}

  /** Rows per embedding call of the periodic evaluators. */
  static final int EMBED_BATCH = 256;

  private final Options o;
  private final PrintStream log;
  private final StopRequest stop;

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
    TokenDataset data = TokenDataset.open(o.data());
    data.checkCompatible(config.model, config.name);
    long records = data.verify("train");
    String heldOut = config.eval.heldOutSplit;
    boolean hasHeldOut = data.manifest().splits.containsKey(heldOut);
    int batch = config.train.batchSize;
    long stepsPerEpoch = records / batch;
    if (stepsPerEpoch == 0) {
      throw new DataException("train.batch_size " + batch + " is larger than the " + records + " records of "
          + o.data() + " (split train): lower it, e.g. --batch-size " + Math.max(2, records / 4));
    }
    long totalSteps = Math.round(config.train.epochs * stepsPerEpoch);
    boolean withLabels = config.model.numClasses > 0 && data.manifest().numClasses > 0;

    RunLayout layout = new RunLayout(o.runDir());
    String configJson = ConfigLoader.toJson(config);
    prepareRunDirectory(layout, configJson);
    Checkpoints checkpoints = new Checkpoints(layout.checkpoints(), config.train.keepCheckpoints);
    BatchInput input = new BatchInput.FromShards(data.shards("train"), batch,
        Math.min(config.train.shuffleBuffer, records), withLabels);

    try (TrainingSession session = TrainingSession.create(config, input, stepsPerEpoch, o.settings());
        MetricsLog metrics = new MetricsLog(layout.metrics());
        EventFileWriter events = new EventFileWriter(layout.events());
        Tokenizer tokenizer = o.tokenizer() != null ? Tokenizer.load(o.tokenizer()) : null) {
      RunPictures pictures = tokenizer != null ? new RunPictures(tokenizer, layout.pictures(), events) : null;
      boolean echoDue = false;
      long step = restore(session, checkpoints, stepsPerEpoch);
      long epoch = step / stepsPerEpoch;
      session.startEpoch(epoch, step % stepsPerEpoch);
      log.printf(Locale.ROOT, "sorcen: %s (%s) on %s: %d records, %d steps/epoch, %d steps; run dir %s%n", config.name,
          config.method, o.data(), records, stepsPerEpoch, totalSteps, o.runDir());

      ProgressBar bar = new ProgressBar(log, step, totalSteps);
      Path last = checkpoints.latest().orElse(null);
      long lastSave = System.nanoTime();
      long windowStart = System.nanoTime();
      long windowSteps = 0;
      double nextEval = config.eval.everyEpochs > 0 ? (Math.floor((double) step / stepsPerEpoch
          / config.eval.everyEpochs) + 1) * config.eval.everyEpochs : Double.POSITIVE_INFINITY;
      Map<String, Double> evaluation = Map.of();
      while (step < totalSteps && !stop.requested()) {
        StepMetrics m;
        if (echoDue && pictures != null && config.isSorcen()) {
          TrainingSession.EchoSnapshot snap = session.stepWithEcho();
          m = snap != null ? snap.metrics() : null;
          if (snap != null) {
            pictures.echoes(snap.tokens(), snap.echo(), m.step() + 1, config.model.maskId());
            echoDue = false;
          }
        } else {
          m = session.step();
        }
        if (m == null) {
          session.startEpoch(++epoch, 0);
          continue;
        }
        checkFinite(m, last);
        step = m.step() + 1;
        windowSteps++;
        double seconds = (System.nanoTime() - windowStart) / 1e9;
        double samplesPerSecond = windowSteps * batch / Math.max(seconds, 1e-9);
        boolean logDue = step % config.train.logEverySteps == 0 || step == totalSteps;
        bar.update(step, step / (double) stepsPerEpoch, samplesPerSecond, losses(m), logDue);
        if (logDue) {
          Map<String, Double> values = new LinkedHashMap<>(m.values());
          values.remove("step");
          values.put("samples_per_second", samplesPerSecond);
          metrics.append("train", step, values);
          events.scalars(step, values);
          windowStart = System.nanoTime();
          windowSteps = 0;
        }
        boolean byMinutes = config.train.checkpointEveryMinutes > 0
            && (System.nanoTime() - lastSave) / 60e9 >= config.train.checkpointEveryMinutes;
        boolean bySteps = config.train.checkpointEverySteps > 0 && step % config.train.checkpointEverySteps == 0;
        if ((byMinutes || bySteps) && step < totalSteps) {
          last = save(session, checkpoints, step, stepsPerEpoch, configJson);
          lastSave = System.nanoTime();
        }
        if (step / (double) stepsPerEpoch >= nextEval && hasHeldOut && step < totalSteps) {
          bar.breakLine();
          evaluation = evaluate(session, data, heldOut, step, metrics, events);
          if (pictures != null) {
            pictures.samples(session, step);
            echoDue = true;
          }
          nextEval += config.eval.everyEpochs;
        }
      }
      last = save(session, checkpoints, step, stepsPerEpoch, configJson);
      boolean interrupted = step < totalSteps;
      if (interrupted) {
        log.printf("%nsorcen: %s at step %d of %d; checkpoint %s written. Resume with the same command "
            + "(it continues from the run directory's latest checkpoint).%n", stop.signal(), step, totalSteps, last);
      } else {
        if (hasHeldOut) {
          evaluation = evaluate(session, data, heldOut, step, metrics, events);
        }
        if (pictures != null) {
          log.printf("sorcen: generated samples: %s%n", pictures.samples(session, step));
        }
      }
      return new Outcome(step, totalSteps, interrupted, evaluation, last);
    }
  }

  private void prepareRunDirectory(RunLayout layout, String configJson) {
    try {
      Files.createDirectories(layout.root());
      if (Files.exists(layout.config())) {
        List<String> diff = ConfigDiff.incompatible(Files.readString(layout.config()), configJson);
        if (!diff.isEmpty()) {
          throw new ConfigException("run directory " + layout.root() + " was made with another config; these fields "
              + "differ: " + String.join(", ", diff) + ". Use a new --run-dir, or the run's own config.");
        }
      }
      writeAtomically(layout.config(), configJson);
      com.fasterxml.jackson.databind.node.ObjectNode info = new com.fasterxml.jackson.databind.ObjectMapper()
          .createObjectNode();
      info.put("data", o.data().toAbsolutePath().toString());
      info.put("tokenizer", o.tokenizer() != null ? o.tokenizer().toAbsolutePath().toString() : null);
      writeAtomically(layout.runInfo(), info.toPrettyString());
    } catch (IOException e) {
      throw new DataException("cannot write the run directory " + layout.root() + ": " + e.getMessage()
          + " (choose a writable --run-dir)", e);
    }
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Returns the step to continue from, after restoring whatever the resume order picks. */
  private long restore(TrainingSession session, Checkpoints checkpoints, long stepsPerEpoch) {
    Path from = checkpoints.latest().orElse(o.resumeFrom());
    if (from != null) {
      Checkpoints.Sidecar sidecar = Checkpoints.readSidecar(from);
      if (sidecar.stepsPerEpoch() != stepsPerEpoch) {
        throw new DataException("checkpoint " + from + " was made with " + sidecar.stepsPerEpoch() + " steps per epoch, "
            + "this data and batch give " + stepsPerEpoch + ": resume with the same dataset and batch size");
      }
      session.restore(Checkpoints.prefix(from));
      log.printf("sorcen: resuming from %s (step %d)%n", from, sidecar.step());
      return sidecar.step();
    }
    if (o.initFrom() != null) {
      session.loadOfficialWeights(Safetensors.read(o.initFrom()));
      log.printf("sorcen: initialised the model from %s (optimizer state fresh)%n", o.initFrom());
    }
    return 0;
  }

  private Path save(TrainingSession session, Checkpoints checkpoints, long step, long stepsPerEpoch, String json) {
    return checkpoints.save(session, new Checkpoints.Sidecar(step, step / (double) stepsPerEpoch, stepsPerEpoch,
        o.config().train.seed, ConfigDiff.hash(json), System.currentTimeMillis() / 1000.0));
  }

  private Map<String, Double> evaluate(TrainingSession session, TokenDataset data, String heldOut, long step,
      MetricsLog metrics, EventFileWriter events) {
    SorcenConfig c = o.config();
    Map<String, Double> out = new LinkedHashMap<>();
    if (!c.eval.evaluators.isEmpty() && data.manifest().numClasses > 1) {
      log.printf(Locale.ROOT, "sorcen: step %d: evaluating frozen features on split '%s'%n", step, heldOut);
      FrozenFeatures f = Representations.encoder(ids -> session.embed(ids, EMBED_BATCH), data.readAll("train"),
          data.readAll(heldOut), data.manifest().numClasses, Evaluators.trainRowsNeeded(c.eval));
      out.putAll(Evaluators.run(c.eval, f, c.train.seed, log));
    }
    if (!out.isEmpty()) {
      metrics.append("eval", step, out);
      events.scalars(step, out);
    }
    return out;
  }

  private static void checkFinite(StepMetrics m, Path lastGood) {
    for (double v : m.values().values()) {
      if (!Double.isFinite(v)) {
        throw new TrainingStopped("non-finite loss at step " + m.step() + ": " + m.values() + "; the last good "
            + "checkpoint is " + (lastGood != null ? lastGood : "none (no checkpoint was written yet)")
            + ". Lower optimizer.blr or check the data.");
      }
    }
  }

  private static String losses(StepMetrics m) {
    StringBuilder s = new StringBuilder();
    for (var e : m.values().entrySet()) {
      if (e.getKey().startsWith("loss/") || e.getKey().startsWith("classifier/")) {
        s.append(String.format(Locale.ROOT, "%s %.4f  ", e.getKey().substring(e.getKey().indexOf('/') + 1), e.getValue()));
      }
    }
    return s.toString().trim();
  }
}
