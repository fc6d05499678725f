package org.sorcen.train.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sorcen.export.ModelCard;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.train.cluster.ClusterSpec;
import org.sorcen.train.cluster.Workers;
import org.sorcen.train.data.ProjectPaths;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.pretrain.Trainer;
import org.sorcen.train.run.StopRequest;
import org.sorcen.train.session.SessionSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    description =
        "Pre-train Sorcen (or the MAGE baseline) on a token dataset, or (train.input="
            + "images) on raw images tokenized in every step. With no arguments: sorcen-tiny on the embedded Fashion-MNIST "
            + "token slice.")
final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      description = "Model and training config (default ${DEFAULT-VALUE}).",
      defaultValue = "configs/sorcen-tiny.json")
  Path config;

  @Option(
      names = "--data",
      description = "Token dataset directory (default ${DEFAULT-VALUE}).",
      defaultValue = "data/fashion-mnist-slice/tokens")
  Path data;

  @Option(names = "--run-dir", description = "Run directory (default runs/<config name>).")
  Path runDir;

  @Option(
      names = "--set",
      description = "Dotted config override key=value (repeatable), e.g. optimizer.blr=3e-4.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--epochs", description = "Shortcut for --set train.epochs=N.")
  Double epochs;

  @Option(names = "--batch-size", description = "Shortcut for --set train.batch_size=B.")
  Integer batchSize;

  @Option(names = "--seed", description = "Shortcut for --set train.seed=S.")
  Long seed;

  @Option(
      names = "--xla",
      defaultValue = "off",
      description =
          "XLA auto-clustering: on or off (default off: "
              + "slower on CPU, see results/performance.md).")
  String xla;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Intra-op threads (0 = TensorFlow's choice).")
  int threads;

  @Option(
      names = "--resume-from",
      description =
          "A checkpoint directory (e.g. runs/X/checkpoints/step-000000744) "
              + "to continue from when the run directory has none of its own.")
  Path resumeFrom;

  @Option(
      names = "--tokenizer",
      description =
          "Tokenizer SavedModel to draw samples and echoes with. Default: the "
              + "embedded Fashion-MNIST tokenizer when it made the dataset.")
  Path tokenizer;

  @Option(
      names = "--images",
      description =
          "Raw training images (an IDX directory or a folder of class "
              + "sub-folders) for train.input=images, which crops and tokenizes them in every step as official MAGE does. "
              + "Default: the embedded slice's images when --data is the embedded token slice.")
  Path images;

  @Option(
      names = "--init-from",
      description =
          "Official weights (.safetensors state_dict) to start from when there "
              + "is nothing to resume; optimizer state starts fresh.")
  Path initFrom;

  @Option(
      names = "--cluster",
      description =
          "Data-parallel workers HOST:PORT,HOST:PORT,... (task 0 is the chief and "
              + "alone writes the run directory); every worker runs the same command with its own --task-index. Default: "
              + "TF_CONFIG when set (as Kubeflow's TFJob sets it), else one process. Trusted networks only: the servers "
              + "accept anyone who can reach the port.")
  String cluster;

  @Option(names = "--task-index", description = "This worker's place in --cluster (0 = chief).")
  Integer taskIndex;

  @Option(
      names = "--cluster-timeout",
      defaultValue = "600",
      description =
          "Seconds a worker waits for its peers "
              + "before it exits naming the missing one (default ${DEFAULT-VALUE}); more than the chief's longest "
              + "evaluation or checkpoint.")
  double clusterTimeout;

  @Option(
      names = "--local-workers",
      description =
          "Run N workers on this machine on free loopback ports (one per "
              + "GPU on a multi-GPU host: worker i sees GPU i through CUDA_VISIBLE_DEVICES).")
  Integer localWorkers;

  /** Set once built, for the watchdog's halt (another thread). */
  private volatile Trainer trainer;

  /** --cluster with --task-index, else TF_CONFIG, else null (one process). */
  private Workers workers() {
    if (taskIndex != null && cluster == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--task-index needs --cluster");
    }
    if (!(clusterTimeout > 0)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--cluster-timeout must be positive");
    }
    String tfConfig = System.getenv("TF_CONFIG");
    ClusterSpec parsed =
        cluster != null
            ? ClusterSpec.fromFlags(cluster, taskIndex)
            : tfConfig != null && !tfConfig.isBlank() ? ClusterSpec.fromTfConfig(tfConfig) : null;
    // The watchdog's halt ends the JVM without unwinding: the trainer's start-up clean-up runs
    // first.
    return parsed == null || parsed.size() == 1
        ? null
        : new Workers(
            parsed,
            clusterTimeout,
            ex -> {
              Trainer t = trainer;
              if (t != null) {
                t.abandonStartup();
              }
              ErrorPolicy.halt(ex);
            });
  }

  static final Path EMBEDDED_TOKENIZER = Path.of("savedmodels/tokenizer-fashion-mnist/1");
  static final Path EMBEDDED_TOKENS = Path.of("data/fashion-mnist-slice/tokens");
  static final Path EMBEDDED_IMAGES = Path.of("data/fashion-mnist-slice/images");

  /** The embedded slice's images when {@code data} is its tokens (the images they were made from), else none. */
  static Path defaultImages(Path data) {
    try {
      Path tokens = ProjectPaths.resolve(EMBEDDED_TOKENS);
      return Files.isDirectory(data) && Files.isSameFile(data, tokens)
          ? ProjectPaths.resolve(EMBEDDED_IMAGES)
          : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The embedded tokenizer when it is the one that made {@code data}, else none. */
  static Path defaultTokenizer(Path data) {
    try {
      String made = TokenDataset.open(data).manifest().tokenizerFingerprint;
      Path embedded = ProjectPaths.resolve(EMBEDDED_TOKENIZER);
      if (made == null) {
        return null;
      }
      // a missing card throws, and the catch below turns that into "no pictures"
      String fingerprint =
          ModelCard.read(embedded, TokenizerExport.METADATA, IllegalStateException::new)
              .path("fingerprint_sha256")
              .asText();
      return made.equals(fingerprint) ? embedded : null;
    } catch (RuntimeException e) {
      return null; // the trainer reports a bad dataset itself; pictures are optional
    }
  }

  /**
   * runs/NAME for a config's name; a name that is not one plain directory name (a separator, "..",
   * a leading dot) would put the run elsewhere or hide it, and is refused.
   */
  static Path defaultRunDir(String name) {
    if (name == null || !name.matches("[A-Za-z0-9_+-][A-Za-z0-9._+-]*")) {
      throw new ConfigException(
          "name '"
              + name
              + "' is not a plain directory name under runs/ (letters, digits, "
              + "'.', '_', '+', '-'; no '/' or leading '.'): change it, or pass --run-dir");
    }
    return Path.of("runs", name);
  }

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (localWorkers != null) {
      Flags.requireAtLeast(spec, "--local-workers", localWorkers, 1);
      if (cluster != null || taskIndex != null) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--local-workers picks the cluster itself: leave out --cluster and --task-index");
      }
      return LocalWorkers.run(
          localWorkers,
          LocalWorkers.withoutLocalWorkers(spec.commandLine().getParseResult().originalArgs()));
    }
    Workers workers = workers();
    Flags.requirePositive(spec, "--epochs", epochs);
    Flags.requireAtLeast(spec, "--batch-size", batchSize, 2);
    Flags.requireAtLeast(spec, "--threads", threads, 0);
    Map<String, String> all = new LinkedHashMap<>(overrides);
    if (epochs != null) {
      all.put("train.epochs", epochs.toString());
    }
    if (batchSize != null) {
      all.put("train.batch_size", batchSize.toString());
    }
    if (seed != null) {
      all.put("train.seed", seed.toString());
    }
    if (!xla.equals("on") && !xla.equals("off")) {
      throw new IllegalArgumentException("--xla must be on or off, got " + xla);
    }
    config = ProjectPaths.resolve(config);
    data = ProjectPaths.resolve(data);
    JobConfig cfg = JobConfig.load(config, all);
    Path dir = runDir != null ? runDir : defaultRunDir(cfg.name);
    StopRequest stop = StopRequest.installForSignals();
    trainer =
        new Trainer(
            new Trainer.Options(
                cfg,
                data,
                dir,
                resumeFrom,
                initFrom,
                new SessionSettings(threads, 0, xla.equals("on")),
                tokenizer != null ? tokenizer : defaultTokenizer(data),
                workers,
                images != null ? images : defaultImages(data)),
            System.err,
            stop);
    Trainer.Outcome outcome = trainer.run(); // divergence: TrainingStopped, exit 3 (SorcenCli)
    if (!outcome.interrupted()) {
      System.out.printf(
          "done: %d steps; checkpoint %s%n", outcome.step(), outcome.lastCheckpoint());
      outcome.evaluation().forEach((k, v) -> System.out.printf("%s = %.4f%n", k, v));
      outcome.exported().forEach(p -> System.out.println("exported " + p));
    }
    int code = outcome.interrupted() ? stop.exitCode() : 0;
    if (workers != null) {
      // A TensorFlow server cannot be stopped; only the JVM's exit ends it.
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(code);
    }
    return code;
  }
}
