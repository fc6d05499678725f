package org.sorcen.train.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sorcen.export.SorcenImageEncoder;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.export.io.DirectoryLock;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.ImageSources;
import org.sorcen.train.data.ProjectPaths;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.embed.LabelledImageFolder;
import org.sorcen.train.eval.Embedder;
import org.sorcen.train.eval.EvalInputs;
import org.sorcen.train.eval.Evaluator;
import org.sorcen.train.eval.EvaluatorRegistry;
import org.sorcen.train.eval.FrozenFeatures;
import org.sorcen.train.eval.Representations;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.pretrain.Run;
import org.sorcen.train.run.Checkpoints;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * `./sorcen eval NAME` for a frozen-feature evaluator (and `all` for every one): on a token
 * dataset's training and held-out splits, for a run's checkpoint, an exported encoder, or a
 * baseline representation (one-hot bag of token ids, raw pixels). One instance per subcommand,
 * made from the evaluator registry by {@link EvalCommand}.
 */
final class FeatureEvalCommand implements Callable<Integer> {
  static final class Source {
    @Option(
        names = "--run",
        description = "Run directory: its newest intact checkpoint and config.json.")
    Path run;

    @Option(
        names = "--encoder",
        description = "An exported encoder SavedModel (sorcen-encoder/<version>).")
    Path encoder;

    @Option(
        names = "--image-encoder",
        description =
            "With --image-folder: an exported image encoder SavedModel "
                + "(sorcen-image-encoder/<version>).")
    Path imageEncoder;

    @Option(
        names = "--baseline",
        description =
            "No model: bag-of-tokens (histogram of token ids) or pixels "
                + "(needs --images or --image-folder).")
    String baseline;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(
      names = "--checkpoint",
      description =
          "With --run: this checkpoint directory (e.g. "
              + "runs/X/checkpoints/step-000000744) instead of the latest.")
  Path checkpoint;

  @Option(
      names = "--data",
      description =
          "Token dataset with a labelled train and held-out split (default: the "
              + "run's dataset, else ${DEFAULT-VALUE}).",
      defaultValue = "data/fashion-mnist-slice/tokens")
  Path data;

  @Option(
      names = "--images",
      description = "For --baseline pixels: the images (IDX directory with train and t10k).")
  Path images;

  @Option(
      names = "--image-folder",
      description =
          "Evaluate on a labelled image folder instead of a token dataset: "
              + "DIR/train/CLASS/*.png and DIR/test/CLASS/*.png (torchvision's ImageFolder), through --image-encoder, --run's "
              + "image encoder or --baseline pixels.")
  Path imageFolder;

  @Option(
      names = "--tokenizer",
      description =
          "With --run and --image-folder: the tokenizer SavedModel of the "
              + "run's image encoder (default: the run's, from its run.json).")
  Path tokenizer;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "With --image-folder: images per encoder call " + "(default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--config",
      description =
          "Config whose eval section sets the evaluators' options (default: the "
              + "run's, else configs/sorcen-tiny.json).")
  Path config;

  @Option(
      names = "--set",
      description = "Dotted override, e.g. eval.linear_probe.epochs=30 (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--seed",
      defaultValue = "0",
      description =
          "Seed of the probe's initialisation, batches and " + "few-shot draws (default 0).")
  long seed;

  @Option(names = "--json", description = "Also write the figures to this JSON file.")
  Path json;

  private final EvaluatorRegistry registry;
  private final List<Evaluator> evaluators;

  /** Runs {@code evaluators}, frozen-feature ones of {@code registry}. */
  FeatureEvalCommand(EvaluatorRegistry registry, List<Evaluator> evaluators) {
    this.registry = registry;
    this.evaluators = List.copyOf(evaluators);
  }

  @Override
  public Integer call() throws IOException {
    Flags.requireAtLeast(spec, "--batch", batch, 1);
    Run run = source.run != null ? Run.open(ProjectPaths.resolve(source.run), overrides) : null;
    // Writing --json into a run directory takes the run's lock, as train does; reading needs none.
    boolean intoRun =
        run != null
            && json != null
            && json.toAbsolutePath().normalize().startsWith(run.dir().toAbsolutePath().normalize());
    try (DirectoryLock lock = intoRun ? run.lock("sorcen eval") : null) {
      return evaluate(run);
    }
  }

  private int evaluate(Run run) throws IOException {
    JobConfig cfg = evaluationConfig(run);
    cfg.eval.evaluators = evaluators.stream().map(Evaluator::name).toList();
    if (tokenizer != null && (imageFolder == null || source.run == null)) {
      throw new IllegalArgumentException(
          "--tokenizer builds a run's image encoder: it needs --run and --image-folder");
    }
    if (imageFolder != null || source.imageEncoder != null) {
      return report(cfg, folderFeatures(run), describe(), imageFolder, "test");
    }
    Path dataDir = run != null && !wasGiven("--data") ? runData(run) : ProjectPaths.resolve(data);
    TokenDataset dataset = TokenDataset.open(dataDir);
    int classes = dataset.manifest().numClasses;
    String heldOut = cfg.eval.heldOutSplit;
    TokenArrays train = dataset.readAll("train");
    TokenArrays test = dataset.readAll(heldOut);
    FrozenFeatures features;
    String what;
    if (source.baseline != null) {
      what = "baseline " + source.baseline;
      features =
          switch (source.baseline) {
            case "bag-of-tokens" ->
                Representations.bagOfTokens(train, test, dataset.manifest().codebookSize, classes);
            case "pixels" -> pixels(classes);
            default ->
                throw new IllegalArgumentException(
                    "--baseline must be bag-of-tokens or pixels, got " + source.baseline);
          };
    } else {
      what = source.run != null ? "run " + source.run : "encoder " + source.encoder;
      try (Embedder embedder = embedder(run, cfg)) {
        System.err.printf(
            "sorcen: embedding %d + %d token grids of %s%n", train.count(), test.count(), dataDir);
        features =
            Representations.encoder(
                embedder::embed, train, test, classes, registry.trainRowsNeeded(cfg.eval));
      }
    }
    return report(cfg, features, what, dataDir, heldOut);
  }

  private String describe() {
    return source.run != null
        ? "run " + source.run
        : source.imageEncoder != null
            ? "image encoder " + source.imageEncoder
            : source.encoder != null ? "encoder " + source.encoder : "baseline " + source.baseline;
  }

  private int report(
      JobConfig cfg, FrozenFeatures features, String what, Path dataDir, String heldOut)
      throws IOException {
    System.out.printf(
        Locale.ROOT,
        "%s on %s (train %d rows, %s %d rows, %d classes):%n",
        what,
        dataDir,
        features.train().length,
        heldOut,
        features.test().length,
        features.numClasses());
    Map<String, Double> out =
        registry.run(cfg.eval, EvalInputs.features(features, seed, System.err), System.out);
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("source", what);
      doc.put("data", dataDir.toString());
      doc.put("results", out);
      AtomicFiles.writeString(
          json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
    }
    return 0;
  }

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  private boolean wasGiven(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  private JobConfig evaluationConfig(Run run) {
    if (config != null || run == null) {
      return JobConfig.load(
          ProjectPaths.resolve(config != null ? config : Path.of("configs/sorcen-tiny.json")),
          overrides);
    }
    return run.config();
  }

  private static Path runData(Run run) {
    if (run.data() == null) {
      throw new DataException(
          run.layout().runInfo() + " does not name the run's dataset: pass --data");
    }
    return run.data();
  }

  private Embedder embedder(Run run, JobConfig cfg) {
    if (run == null) {
      return Embedder.savedModel(ProjectPaths.resolve(source.encoder));
    }
    Path ckpt = run.checkpoint(checkpoint, note -> System.err.println("sorcen: " + note));
    System.err.printf("sorcen: restoring %s%n", ckpt);
    return Embedder.checkpoint(cfg, Checkpoints.prefix(ckpt));
  }

  /** Features of --image-folder: the image encoder given or exported from the run, or its pixels. */
  private FrozenFeatures folderFeatures(Run run) throws IOException {
    if (imageFolder == null) {
      throw new IllegalArgumentException(
          "--image-encoder needs --image-folder (a folder with train/CLASS and "
              + "test/CLASS images)");
    }
    if (source.encoder != null || "bag-of-tokens".equals(source.baseline)) {
      throw new IllegalArgumentException(
          "--image-folder takes --image-encoder, --run or --baseline pixels, not "
              + (source.encoder != null
                  ? "--encoder (a token encoder)"
                  : "--baseline bag-of-tokens"));
    }
    if (images != null || wasGiven("--data")) {
      throw new IllegalArgumentException(
          "--image-folder replaces "
              + (images != null ? "--images" : "--data")
              + ": pass one of them");
    }
    LabelledImageFolder folder = LabelledImageFolder.open(ProjectPaths.resolve(imageFolder));
    if (source.baseline != null) {
      if (!source.baseline.equals("pixels")) {
        throw new IllegalArgumentException(
            "--baseline must be bag-of-tokens or pixels, got " + source.baseline);
      }
      return folder.pixels();
    }
    if (source.imageEncoder != null) {
      try (SorcenImageEncoder enc =
          SorcenImageEncoder.load(ProjectPaths.resolve(source.imageEncoder))) {
        return folder.encoded(enc, batch, System.err);
      }
    }
    Path tok = tokenizer != null ? ProjectPaths.resolve(tokenizer) : run.tokenizer();
    if (tok == null) {
      throw new IllegalArgumentException(
          run.layout().runInfo()
              + " names no tokenizer: pass --tokenizer DIR to "
              + "build the run's image encoder");
    }
    Path ckpt = run.checkpoint(checkpoint, note -> System.err.println("sorcen: " + note));
    Path tmp = Files.createTempDirectory("sorcen-eval-image-encoder");
    try {
      System.err.printf("sorcen: exporting the image encoder of %s with %s%n", ckpt, tok);
      try (SorcenImageEncoder enc =
          SorcenImageEncoder.load(run.exportImageEncoder(tmp, ckpt, tok))) {
        return folder.encoded(enc, batch, System.err);
      }
    } finally {
      AtomicFiles.deleteQuietly(tmp);
    }
  }

  private FrozenFeatures pixels(int classes) {
    if (images == null) {
      throw new IllegalArgumentException(
          "--baseline pixels needs --images (an IDX directory with train and t10k)");
    }
    Map<String, ImageSet> sets = ImageSources.read(ProjectPaths.resolve(images), null, 1);
    if (!sets.containsKey("test")) {
      throw new DataException(images + " has no t10k (test) images to evaluate on");
    }
    return Representations.pixels(sets.get("train"), sets.get("test"), classes);
  }
}
