package org.sorcen.train.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.EvalConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.ModelFlops;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.ImageSources;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.eval.Embedder;
import org.sorcen.train.eval.EvalInputs;
import org.sorcen.train.eval.Evaluator;
import org.sorcen.train.eval.EvaluatorRegistry;
import org.sorcen.train.eval.FrozenFeatures;
import org.sorcen.train.eval.Representations;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.Run;
import org.sorcen.train.tokenizer.DatasetTokenizing;
import org.sorcen.train.run.StopRequest;
import org.sorcen.train.run.Trainer;
import org.sorcen.train.session.SessionSettings;

/**
 * Runs an {@link ExperimentConfig}: tokenize the images once, train each method (resuming a run
 * that was interrupted, skipping one that finished), export its SavedModels, evaluate frozen
 * features and generation, evaluate the baselines, and write the results file. Every stage's
 * output lands under the work directory, so re-running the command after an interruption redoes
 * only what is missing; training time is accumulated across invocations in
 * {@code <method>/training-cost.json}.
 */
public final class Experiment {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final EvaluatorRegistry EVALUATORS = EvaluatorRegistry.standard();

  private final ExperimentConfig x;
  private final Function<Path, Path> resolve;
  private final PrintStream log;
  private final Generation generation;

  /** A stop request (SIGINT/SIGTERM) ended a training stage after its checkpoint: not a failure. */
  public static final class Interrupted extends RuntimeException {
    public Interrupted(String message) {
      super(message);
    }
  }

  /** Generation evaluators (FD, IS analogue, sample grid) for one method's exported models. */
  public interface Generation {
    Map<String, Double> evaluate(Path generator, Path tokenizer, Path samplesPng, ExperimentConfig.Generation g,
        PrintStream log);
  }

  public Experiment(ExperimentConfig config, Function<Path, Path> resolve, PrintStream log, Generation generation) {
    this.x = config.validated();
    this.resolve = resolve;
    this.log = log;
    this.generation = generation;
  }

  public Path run() {
    long start = System.nanoTime();
    Path work = resolve.apply(Path.of(x.workDir));
    Path tokens = tokenize(work.resolve("tokens"));
    TokenDataset data = TokenDataset.open(tokens);
    TokenArrays train = data.readAll("train");
    TokenArrays test = data.readAll("test");
    int classes = data.manifest().numClasses;
    Path resultsMd = resolve.apply(Path.of(x.results));
    List<ResultsReport.Row> rows = new ArrayList<>();
    for (String method : x.methods) {
      SorcenConfig cfg = methodConfig(method);
      Path runDir = work.resolve(method);
      TrainingCost cost = train(cfg, tokens, runDir);
      Path ckpt = Run.open(runDir).checkpoint(note -> log.println("experiment: " + note));
      Run.ensureFinalExport(cfg, runDir, ckpt, resolve.apply(Path.of(x.tokenizer)));
      log.printf("experiment: %s: evaluating frozen features%n", method);
      Map<String, Double> figures = new LinkedHashMap<>();
      try (Embedder e = Embedder.checkpoint(cfg, Checkpoints.prefix(ckpt))) {
        FrozenFeatures f = Representations.encoder(e::embed, train, test, classes, 0);
        figures.putAll(featureFigures(cfg, f));
      }
      long step = cost.steps();
      Path samples = resultsMd.resolveSibling(baseName(resultsMd) + "-" + method + "-samples.png");
      figures.putAll(generation.evaluate(Run.finalExport(runDir, org.sorcen.export.ModelExport.GENERATOR, step),
          resolve.apply(Path.of(x.tokenizer)), samples, x.generation, log));
      rows.add(new ResultsReport.Row(method, figures, cost, samples.getFileName().toString()));
    }
    SorcenConfig base = methodConfig(x.methods.get(0));
    log.printf("experiment: baselines (bag of token ids, raw pixels)%n");
    rows.add(new ResultsReport.Row("bag of token ids", featureFigures(base,
        Representations.bagOfTokens(train, test, data.manifest().codebookSize, classes)), null, null));
    Map<String, ImageSet> images = ImageSources.read(resolve.apply(Path.of(x.images)), null, 1);
    rows.add(new ResultsReport.Row("raw pixels", featureFigures(base,
        Representations.pixels(images.get("train"), images.get("test"), classes)), null, null));
    List<ResultsReport.Row> transfer = List.of();
    if (x.transfer != null) {
      SorcenConfig cfg = methodConfig("sorcen");
      cfg.name = x.name + "-transfer-sorcen";
      transfer = new TransferStage(x.transfer, this::train, f -> featureFigures(cfg, f), log).run(cfg, work,
          data.manifest(), train, test, images, resolve.apply(Path.of(x.tokenizer)));
    }
    double minutes = (System.nanoTime() - start) / 60e9;
    ResultsReport.write(resultsMd, x, base, rows, transfer, tokens, minutes);
    log.printf(Locale.ROOT, "experiment: wrote %s (this invocation: %.1f min)%n", resultsMd, minutes);
    return resultsMd;
  }

  private static String baseName(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".md") ? n.substring(0, n.length() - 3) : n;
  }

  /** The model config with the experiment's overrides and this method; the trainer itself evaluates nothing. */
  SorcenConfig methodConfig(String method) {
    Map<String, String> o = new LinkedHashMap<>(x.overrides);
    o.put("method", method);
    o.put("name", x.name + "-" + method);
    SorcenConfig cfg = ConfigLoader.load(resolve.apply(Path.of(x.modelConfig)), o);
    cfg.eval.evaluators = List.of();
    return cfg;
  }

  /** Every frozen-feature evaluator of the registry, with {@code cfg}'s settings and k-NN on all training rows. */
  private Map<String, Double> featureFigures(SorcenConfig cfg, FrozenFeatures f) {
    EvalConfig all = cfg.eval.copy();
    all.evaluators = EVALUATORS.taking(Evaluator.Input.FROZEN_FEATURES).stream().map(Evaluator::name).toList();
    all.knnTrainRows = 0;
    return EVALUATORS.run(all, EvalInputs.features(f, cfg.train.seed, log), log);
  }

  private Path tokenize(Path out) {
    if (Files.isRegularFile(out.resolve("dataset.json"))) {
      log.printf("experiment: tokens already in %s%n", out);
      return out;
    }
    log.printf("experiment: tokenizing %s with %s into %s%n", x.images, x.tokenizer, out);
    DatasetTokenizing.run(new DatasetTokenizing.Request(resolve.apply(Path.of(x.tokenizer)),
        resolve.apply(Path.of(x.images)), List.of(x.classNames.split(",")), 0, out, false), log);
    return out;
  }

  /** What training cost, accumulated over every invocation that ran steps. */
  public record TrainingCost(long steps, int batchSize, double seconds, double flopsPerSample) {
    public double samplesPerSecond() {
      return steps * batchSize / seconds;
    }

    public double totalFlops() {
      return flopsPerSample * steps * batchSize;
    }
  }

  TrainingCost train(SorcenConfig cfg, Path tokens, Path runDir) {
    Path costFile = runDir.resolve("training-cost.json");
    double before = 0;
    try {
      if (Files.isRegularFile(costFile)) {
        before = JSON.readTree(costFile.toFile()).path("seconds").asDouble();
      }
      long stepBefore = new Checkpoints(runDir.resolve("checkpoints"), Integer.MAX_VALUE).latest()
          .map(c -> Checkpoints.readSidecar(c).step()).orElse(0L);
      long t0 = System.nanoTime();
      Trainer trainer = new Trainer(new Trainer.Options(cfg, tokens, runDir, null, null, SessionSettings.defaults(),
          resolve.apply(Path.of(x.tokenizer))), log, StopRequest.installForSignals());
      Trainer.Outcome outcome = trainer.run();
      if (outcome.interrupted()) {
        throw new Interrupted("interrupted while training " + cfg.method + " (checkpoint written); run the same "
            + "command again to continue");
      }
      // A run that was already finished adds nothing: only invocations that trained count.
      double seconds = before + (outcome.step() > stepBefore ? (System.nanoTime() - t0) / 1e9 : 0);
      ObjectNode doc = JSON.createObjectNode();
      doc.put("steps", outcome.step());
      doc.put("batch_size", cfg.train.batchSize);
      doc.put("seconds", seconds);
      org.sorcen.export.io.AtomicFiles.writeString(costFile, doc.toPrettyString());
      return new TrainingCost(outcome.step(), cfg.train.batchSize, seconds, ModelFlops.trainingPerSample(cfg));
    } catch (IOException e) {
      throw org.sorcen.export.io.IoFailure.of("read", costFile, e);
    }
  }
}
