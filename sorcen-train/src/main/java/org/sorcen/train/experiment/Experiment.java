package org.sorcen.train.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
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
import org.sorcen.export.ModelExport;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.IoFailure;
import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.config.TrainConfig;
import org.sorcen.graph.model.ModelFlops;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.ImageSources;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.eval.Embedder;
import org.sorcen.train.eval.EvalConfig;
import org.sorcen.train.eval.EvalInputs;
import org.sorcen.train.eval.Evaluator;
import org.sorcen.train.eval.EvaluatorRegistry;
import org.sorcen.train.eval.FrozenFeatures;
import org.sorcen.train.eval.Representations;
import org.sorcen.train.pretrain.InitialRun;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.pretrain.Run;
import org.sorcen.train.pretrain.Trainer;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.RunLayout;
import org.sorcen.train.run.StopRequest;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.tokenizer.DatasetTokenizing;

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

  /**
   * A stop request (SIGINT/SIGTERM) ended a training stage after its checkpoint: not a failure, but
   * not done either ({@link #exitCode}).
   */
  public static final class Interrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public Interrupted(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }

    /** {@link StopRequest#exitCode} of the request that stopped the stage. */
    public int exitCode() {
      return exitCode;
    }
  }

  /** Generation evaluators (FD, IS analogue, sample grid) for one method's exported models. */
  public interface Generation {
    Map<String, Double> evaluate(
        Path generator,
        Path tokenizer,
        Path samplesPng,
        ExperimentConfig.Generation g,
        PrintStream log);
  }

  public Experiment(
      ExperimentConfig config,
      Function<Path, Path> resolve,
      PrintStream log,
      Generation generation) {
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
    Path tokenizer = resolve.apply(Path.of(x.tokenizer));
    List<ResultsReport.Row> rows = new ArrayList<>();
    Map<String, List<TrainingCurve>> curves = new LinkedHashMap<>();
    for (String method : x.methods) {
      ExperimentMethod kind = ExperimentMethod.of(method);
      List<Map<String, Double>> perSeed = new ArrayList<>();
      List<TrainingCurve> methodCurves = new ArrayList<>();
      Path firstSamples =
          resultsMd.resolveSibling(baseName(resultsMd) + "-" + method + "-samples.png");
      for (int seed : x.seeds) {
        JobConfig cfg = methodConfig(method, seed);
        Path runDir = runDir(work, method, seed);
        TrainingCost cost = train(cfg, tokens, runDir);
        Path ckpt = Run.open(runDir).checkpoint(note -> log.println("experiment: " + note));
        Run.ensureFinalExport(cfg, runDir, ckpt, tokenizer);
        // The first seed's sample grid goes beside the results, the others stay in their run
        // directories.
        Path samples = seed == x.seeds.get(0) ? firstSamples : runDir.resolve("samples.png");
        Map<String, Double> figures =
            new LinkedHashMap<>(
                FigureCache.get(
                    runDir,
                    cacheKey(cfg, cost.steps(), samples),
                    Files.isRegularFile(samples),
                    () -> {
                      log.printf(
                          "experiment: %s, seed %d: evaluating frozen features and generation%n",
                          method, seed);
                      Map<String, Double> f = encoderFigures(cfg, ckpt, train, test, classes);
                      f.putAll(
                          generation.evaluate(
                              Run.finalExport(runDir, ModelExport.GENERATOR, cost.steps()),
                              tokenizer,
                              samples,
                              x.generation,
                              log));
                      return f;
                    }));
        figures.putAll(cost.figures());
        perSeed.add(figures);
        methodCurves.add(TrainingCurve.read(new RunLayout(runDir).metrics(), cfg.train.batchSize));
      }
      rows.add(
          new ResultsReport.Row(
              kind.label, x.seeds, perSeed, firstSamples.getFileName().toString()));
      curves.put(kind.label, methodCurves);
    }
    rows.add(initialEncoder(work, tokens, tokenizer, train, test, classes));
    JobConfig base = tokensConfig(x.methods.get(0), x.seeds.get(0));
    log.printf("experiment: baselines (bag of token ids, raw pixels)%n");
    rows.add(
        ResultsReport.Row.single(
            "bag of token ids",
            featureFigures(
                base,
                Representations.bagOfTokens(train, test, data.manifest().codebookSize, classes)),
            null,
            null));
    Map<String, ImageSet> images = ImageSources.read(resolve.apply(Path.of(x.images)), null, 1);
    rows.add(
        ResultsReport.Row.single(
            "raw pixels",
            featureFigures(
                base, Representations.pixels(images.get("train"), images.get("test"), classes)),
            null,
            null));
    List<ResultsReport.Row> transfer = List.of();
    if (x.transfer != null) {
      JobConfig cfg = methodConfig("sorcen", x.seeds.get(0));
      cfg.name = x.name + "-transfer-sorcen";
      cfg.eval.evaluators = List.of(); // no k-NN curve for the transfer run
      transfer =
          new TransferStage(x.transfer, this::train, f -> featureFigures(cfg, f), log)
              .run(cfg, work, data.manifest(), train, test, images, tokenizer);
    }
    ResultsReport.Figure figure = knnFigure(resultsMd, curves, base);
    double minutes = (System.nanoTime() - start) / 60e9;
    ResultsReport.write(resultsMd, x, base, rows, transfer, tokens, minutes, figure);
    log.printf(
        Locale.ROOT, "experiment: wrote %s (this invocation: %.1f min)%n", resultsMd, minutes);
    return resultsMd;
  }

  /** {@code <work>/<method>/seed-<s>}: one run per method and training seed. */
  static Path runDir(Path work, String method, int seed) {
    return work.resolve(method).resolve("seed-" + seed);
  }

  /** The encoder at initialisation, per seed: the weights each seed's training starts from. */
  private ResultsReport.Row initialEncoder(
      Path work, Path tokens, Path tokenizer, TokenArrays train, TokenArrays test, int classes) {
    List<Map<String, Double>> perSeed = new ArrayList<>();
    for (int seed : x.seeds) {
      JobConfig cfg = tokensConfig(x.methods.get(0), seed);
      Path dir = work.resolve("initial").resolve("seed-" + seed);
      Path ckpt = InitialRun.ensure(cfg, dir, tokens, tokenizer);
      perSeed.add(
          FigureCache.get(
              dir,
              cacheKey(cfg, 0, null),
              true,
              () -> {
                log.printf(
                    "experiment: the encoder at initialisation, seed %d: evaluating frozen features%n",
                    seed);
                return encoderFigures(cfg, ckpt, train, test, classes);
              }));
    }
    return new ResultsReport.Row(INITIAL_ROW, x.seeds, perSeed, null);
  }

  static final String INITIAL_ROW = "encoder at initialisation";

  private Map<String, Double> encoderFigures(
      JobConfig cfg, Path ckpt, TokenArrays train, TokenArrays test, int classes) {
    try (Embedder e = Embedder.checkpoint(cfg, Checkpoints.prefix(ckpt))) {
      return new LinkedHashMap<>(
          featureFigures(cfg, Representations.encoder(e::embed, train, test, classes, 0)));
    }
  }

  /** What a run's figures depend on besides its weights: its config, step and the evaluation settings. */
  private String cacheKey(JobConfig cfg, long step, Path samples) {
    try {
      return "step "
          + step
          + "; "
          + ConfigLoader.toJson(cfg)
          + "; generation "
          + JSON.writeValueAsString(x.generation)
          + "; classifier "
          + x.classifier
          + "; images "
          + x.images
          + "; samples "
          + samples;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The k-NN-against-time PNG beside the results, or null (with a note) when no run has a curve. */
  private ResultsReport.Figure knnFigure(
      Path resultsMd, Map<String, List<TrainingCurve>> curves, JobConfig base) {
    Map<String, List<KnnTimeFigure.Point>> means = new LinkedHashMap<>();
    curves.forEach((m, c) -> means.put(m, KnnTimeFigure.mean(c)));
    BufferedImage image = KnnTimeFigure.draw(means, base.eval.knnTrainRows);
    if (image == null) {
      log.println(
          "experiment: no k-NN-against-time figure: set eval.every_epochs in the overrides (e.g. 0.5) so "
              + "that the runs evaluate k-NN while they train");
      return null;
    }
    Path png = resultsMd.resolveSibling(baseName(resultsMd) + "-knn-vs-time.png");
    KnnTimeFigure.write(png, image);
    log.printf("experiment: wrote %s%n", png);
    return new ResultsReport.Figure(
        png.getFileName().toString(),
        String.format(
                Locale.ROOT,
                "k-NN top-1 against "
                    + "training time: one line per method through the mean over seeds %s at each evaluation (every %s epochs, "
                    + "and the weights at initialisation at 0), the band mean ± std over seeds. Time is the sum of step time "
                    + "from each run's metrics (evaluations, checkpoints and pauses between invocations excluded), so it is "
                    + "shorter than the table's wall time; this k-NN uses %s as memory, so its last point is close to, not "
                    + "equal to, the table's.",
                x.seeds,
                base.eval.everyEpochs,
                base.eval.knnTrainRows > 0
                    ? "up to " + base.eval.knnTrainRows + " training rows"
                    : "all training rows")
            + TimeToKnn.markdown(means));
  }

  private static String baseName(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".md") ? n.substring(0, n.length() - 3) : n;
  }

  /**
   * The model config with the experiment's overrides, this method (its model method and input, see
   * {@link ExperimentMethod}; the run is named after the method as the experiment config writes it)
   * and training seed. The trainer evaluates only k-NN, and only when {@code eval.every_epochs} is
   * set: the points of the k-NN-against-time figure (the full evaluation happens after training).
   */
  JobConfig methodConfig(String method, int seed) {
    ExperimentMethod kind = ExperimentMethod.of(method);
    Map<String, String> o = new LinkedHashMap<>(x.overrides);
    o.put("method", kind.modelMethod);
    o.put("train.input", kind.input);
    o.put("name", x.name + "-" + method + "-seed-" + seed);
    o.put("train.seed", Integer.toString(seed));
    JobConfig cfg = JobConfig.load(resolve.apply(Path.of(x.modelConfig)), o);
    cfg.eval.evaluators = cfg.eval.everyEpochs > 0 ? List.of("knn") : List.of();
    return cfg;
  }

  /**
   * {@link #methodConfig} on the precomputed tokens: the encoder at initialisation and the baselines
   * read only tokens, whichever input the first method trains on.
   */
  private JobConfig tokensConfig(String method, int seed) {
    JobConfig cfg = methodConfig(method, seed);
    cfg.train.input = TrainConfig.TOKENS;
    return cfg;
  }

  /** Every frozen-feature evaluator of the registry, with {@code cfg}'s settings and k-NN on all training rows. */
  private Map<String, Double> featureFigures(JobConfig cfg, FrozenFeatures f) {
    EvalConfig all = cfg.eval.copy();
    all.evaluators =
        EVALUATORS.taking(Evaluator.Input.FROZEN_FEATURES).stream().map(Evaluator::name).toList();
    all.knnTrainRows = 0;
    return EVALUATORS.run(all, EvalInputs.features(f, cfg.train.seed, log), log);
  }

  private Path tokenize(Path out) {
    if (Files.isRegularFile(out.resolve("dataset.json"))) {
      log.printf("experiment: tokens already in %s%n", out);
      return out;
    }
    log.printf("experiment: tokenizing %s with %s into %s%n", x.images, x.tokenizer, out);
    DatasetTokenizing.run(
        new DatasetTokenizing.Request(
            resolve.apply(Path.of(x.tokenizer)),
            resolve.apply(Path.of(x.images)),
            List.of(x.classNames.split(",")),
            0,
            out,
            false),
        log);
    return out;
  }

  /** What training cost, accumulated over every invocation that ran steps. */
  public record TrainingCost(long steps, int batchSize, double seconds, double flopsPerSample) {
    static final String STEPS = "train/steps";
    static final String SECONDS = "train/seconds";
    static final String SAMPLES_PER_SECOND = "train/samples_per_second";
    static final String TOTAL_FLOPS = "train/total_flops";

    /** The cost as figures of a results row, averaged over seeds like the others. */
    Map<String, Double> figures() {
      Map<String, Double> f = new LinkedHashMap<>();
      f.put(STEPS, (double) steps);
      f.put(SECONDS, seconds);
      f.put(SAMPLES_PER_SECOND, samplesPerSecond());
      f.put(TOTAL_FLOPS, totalFlops());
      return f;
    }

    public double samplesPerSecond() {
      return steps * batchSize / seconds;
    }

    public double totalFlops() {
      return flopsPerSample * steps * batchSize;
    }
  }

  TrainingCost train(JobConfig cfg, Path tokens, Path runDir) {
    Path costFile = runDir.resolve("training-cost.json");
    double before = 0;
    try {
      if (Files.isRegularFile(costFile)) {
        before = JSON.readTree(costFile.toFile()).path("seconds").asDouble();
      }
      long stepBefore =
          new Checkpoints(runDir.resolve("checkpoints"), Integer.MAX_VALUE)
              .latest()
              .map(c -> Checkpoints.readSidecar(c).step())
              .orElse(0L);
      long t0 = System.nanoTime();
      // Online MAGE reads the experiment's raw images (their train split, the one tokenized into
      // tokens/train); the trainer checks that the tokenizer is the one that made the tokens.
      Path images =
          TrainConfig.IMAGES.equals(cfg.train.input) ? resolve.apply(Path.of(x.images)) : null;
      StopRequest stop = StopRequest.installForSignals();
      Trainer trainer =
          new Trainer(
              new Trainer.Options(
                  cfg,
                  tokens,
                  runDir,
                  null,
                  null,
                  SessionSettings.defaults(),
                  resolve.apply(Path.of(x.tokenizer)),
                  null,
                  images),
              log,
              stop);
      Trainer.Outcome outcome = trainer.run();
      if (outcome.interrupted()) {
        throw new Interrupted(
            "interrupted while training "
                + cfg.name
                + " (checkpoint written); run the same "
                + "command again to continue",
            stop.exitCode());
      }
      // A run that was already finished adds nothing: only invocations that trained count.
      double seconds = before + (outcome.step() > stepBefore ? (System.nanoTime() - t0) / 1e9 : 0);
      ObjectNode doc = JSON.createObjectNode();
      doc.put("steps", outcome.step());
      doc.put("batch_size", cfg.train.batchSize);
      doc.put("seconds", seconds);
      AtomicFiles.writeString(costFile, doc.toPrettyString());
      return new TrainingCost(
          outcome.step(), cfg.train.batchSize, seconds, ModelFlops.trainingPerSample(cfg));
    } catch (IOException e) {
      throw IoFailure.of("read", costFile, e);
    }
  }
}
