package org.sorcen.train.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.ModelFlops;
import org.sorcen.graph.vqgan.VqganConfig;
import org.sorcen.graph.vqgan.VqganTokenizer;
import org.sorcen.train.bench.ImageEncoderBenchmark;
import org.sorcen.train.bench.MatmulPeak;
import org.sorcen.train.bench.TrainingBenchmark;
import org.sorcen.train.data.ProjectPaths;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.session.SessionSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench",
    description =
        "Time training steps (ms/step, samples/s, model FLOP/s and their share "
            + "of this machine's matmul peak for the precision, measured at start-up) on a constant in-memory batch, in "
            + "float32 and bfloat16. Default: sorcen-tiny at its batch and ViT-B at batch 4, XLA off. With "
            + "--image-encoder: images/s of the image encoder (VQGAN encode + ViT-B embedding at 256x256) in the "
            + "config's model.compute_dtype (--set model.compute_dtype=bfloat16; --precision is ignored).")
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      description =
          "Config(s) to time (repeatable). Default: configs/sorcen-tiny.json "
              + "and configs/sorcen-vit-base.json.")
  List<Path> configs = new ArrayList<>();

  @Option(
      names = "--batch-size",
      description =
          "Batch for every config; default: the config's own for "
              + "sorcen-tiny, 4 for larger ones.")
  Integer batchSize;

  @Option(
      names = "--set",
      description =
          "Dotted config override key=value (repeatable), e.g. model.compute_dtype=bfloat16.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--xla",
      defaultValue = "off",
      description =
          "on, off or both (default off: auto-clustering "
              + "is slower here, see results/performance.md).")
  String xla;

  @Option(
      names = "--precision",
      defaultValue = "both",
      description =
          "float32, bfloat16 or both (default both): "
              + "the model.compute_dtype of each timed row.")
  String precision;

  @Option(
      names = "--data",
      description =
          "Also time steps reading this token dataset in-graph (the input "
              + "pipeline's overhead against the constant batch).")
  Path data;

  @Option(
      names = "--image-encoder",
      description =
          "Time the image encoder instead of training: MAGE's VQGAN "
              + "(official config, or --tokenizer-config) encoding 256x256 images, then the embedding of --config (default "
              + "configs/sorcen-vit-base.json), batch --batch-size (default 4), with the variables' initial values.")
  boolean imageEncoder;

  @Option(
      names = "--tokenizer-config",
      description =
          "With --image-encoder or --efficiency: a VQGAN config JSON "
              + "(keys of the official config/vqgan.yaml); default the official values.")
  Path tokenizerConfig;

  @Option(
      names = "--efficiency",
      description =
          "Time Sorcen's step on precomputed tokens, MAGE's on the same tokens "
              + "and official MAGE's on images (crop + flip + frozen tokenizer in the step), one after the other, and print "
              + "how much more samples/s Sorcen has beside the paper's 60.8%%. Default config: configs/sorcen-tiny.json "
              + "(embedded tokenizer and slice images); larger configs get the VQGAN at 256x256 with random weights and "
              + "random images. Precision: the config's model.compute_dtype.")
  boolean efficiency;

  @Option(
      names = "--tokenizer",
      description =
          "With --efficiency: the tokenizer SavedModel official MAGE's step "
              + "encodes with (default: the embedded one when it fits the config, else the VQGAN graph).")
  Path tokenizer;

  @Option(
      names = "--images",
      description =
          "With --efficiency: the raw images of MAGE's step (IDX directory or "
              + "class folders, split train; default: the embedded slice's with the embedded tokenizer, else random).")
  Path images;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Intra-op threads (0 = TensorFlow's choice).")
  int threads;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default 3).")
  int warmup;

  @Option(
      names = "--steps",
      defaultValue = "10",
      description = "Timed steps; the median is reported (default 10).")
  int steps;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Flags.requireAtLeast(spec, "--batch-size", batchSize, 2);
    Flags.requireAtLeast(spec, "--threads", threads, 0);
    Flags.requireAtLeast(spec, "--warmup", warmup, 0);
    Flags.requireAtLeast(spec, "--steps", steps, 1);
    if (tokenizerConfig != null && !imageEncoder && !efficiency) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--tokenizer-config needs --image-encoder or --efficiency");
    }
    if ((tokenizer != null || images != null) && !efficiency) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--tokenizer and --images need --efficiency");
    }
    if (imageEncoder && efficiency) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--image-encoder and --efficiency are " + "separate timings: choose one");
    }
    if (imageEncoder) {
      return benchImageEncoder();
    }
    if (efficiency) {
      return benchEfficiency();
    }
    if (configs.isEmpty()) {
      configs =
          List.of(Path.of("configs/sorcen-tiny.json"), Path.of("configs/sorcen-vit-base.json"));
    }
    List<Boolean> xlaModes =
        switch (xla) {
          case "on" -> List.of(true);
          case "off" -> List.of(false);
          case "both" -> List.of(false, true);
          default ->
              throw new IllegalArgumentException("--xla must be on, off or both, got " + xla);
        };
    if (xlaModes.contains(true) && !SessionSettings.cpuJitEnabledInEnvironment()) {
      System.out.println(
          "note: TF_XLA_FLAGS lacks --tf_xla_cpu_global_jit, so 'XLA on' compiles nothing on CPU; "
              + "run through ./sorcen, which sets it");
    }
    List<String> precisions =
        switch (precision) {
          case "float32", "bfloat16" -> List.of(precision);
          case "both" -> List.of("float32", "bfloat16");
          default ->
              throw new picocli.CommandLine.ParameterException(
                  spec.commandLine(),
                  "--precision must be float32, bfloat16 or both, got " + precision);
        };
    Map<String, Double> peaks = new LinkedHashMap<>();
    for (String p : precisions) {
      peaks.put(p, MatmulPeak.measure(p, threads));
      System.out.printf(
          "# %s matmul peak on this machine: %.0f GFLOP/s (measured now)%n", p, peaks.get(p) / 1e9);
    }
    // The first four columns are read by scripts: keep them.
    System.out.printf(
        "%-18s %6s %5s %10s %10s %12s %9s %8s %12s%n",
        "config",
        "batch",
        "xla",
        "ms/step",
        "samples/s",
        "GFLOP/s",
        "precision",
        "of peak",
        "1st step ms");
    for (Path path : configs) {
      path = ProjectPaths.resolve(path);
      SorcenConfig config = JobConfig.load(path, overrides);
      int batch =
          batchSize != null
              ? batchSize
              : (config.model.seqLen() <= 64 ? config.train.batchSize : 4);
      System.out.printf(
          "# %s: %.3f GFLOP per training sample%n",
          config.name, ModelFlops.trainingPerSample(config) / 1e9);
      for (String p : precisions) {
        config = JobConfig.load(path, with(batch, p));
        for (boolean on : xlaModes) {
          TrainingBenchmark.Result r =
              TrainingBenchmark.run(config, warmup, steps, new SessionSettings(threads, 0, on));
          System.out.printf(
              "%-18s %6d %5s %10.1f %10.1f %12.2f %9s %7.1f%% %12.0f%n",
              r.name(),
              r.batch(),
              on ? "on" : "off",
              r.msPerStep(),
              r.samplesPerSecond(),
              r.flopsPerSecond() / 1e9,
              p,
              100 * r.flopsPerSecond() / peaks.get(p),
              r.firstStepMs());
          if (data != null) {
            TrainingBenchmark.Result d =
                TrainingBenchmark.runFromDataset(
                    config,
                    TokenDataset.open(data),
                    warmup,
                    steps,
                    new SessionSettings(threads, 0, on));
            System.out.printf(
                "%-18s %6d %5s %10.1f %10.1f %12.2f %9s %7.1f%% %12.0f   input pipeline overhead %+.1f%%%n",
                "  from dataset",
                d.batch(),
                on ? "on" : "off",
                d.msPerStep(),
                d.samplesPerSecond(),
                d.flopsPerSecond() / 1e9,
                p,
                100 * d.flopsPerSecond() / peaks.get(p),
                d.firstStepMs(),
                100 * (d.msPerStep() / r.msPerStep() - 1));
          }
        }
      }
    }
    return 0;
  }

  private int benchEfficiency() {
    if (xla.equals("both")) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--efficiency times one --xla mode: on " + "or off");
    }
    SessionSettings settings = new SessionSettings(threads, 0, xla.equals("on"));
    for (Path path : configs.isEmpty() ? List.of(Path.of("configs/sorcen-tiny.json")) : configs) {
      JobConfig config = JobConfig.load(ProjectPaths.resolve(path), overrides);
      int batch =
          batchSize != null
              ? batchSize
              : (config.model.seqLen() <= 64 ? config.train.batchSize : 4);
      Map<String, String> withBatch = new LinkedHashMap<>(overrides);
      withBatch.put("train.batch_size", Integer.toString(batch));
      config = JobConfig.load(ProjectPaths.resolve(path), withBatch);
      EfficiencyBench.run(
          config,
          EfficiencyBench.source(
              config,
              ProjectPaths.resolve(tokenizer),
              ProjectPaths.resolve(images),
              ProjectPaths.resolve(tokenizerConfig)),
          warmup,
          steps,
          settings,
          System.out);
    }
    return 0;
  }

  private int benchImageEncoder() {
    Path path =
        ProjectPaths.resolve(
            configs.isEmpty() ? Path.of("configs/sorcen-vit-base.json") : configs.get(0));
    SorcenConfig config = JobConfig.load(path, overrides);
    VqganTokenizer tokenizer =
        new VqganTokenizer(
            tokenizerConfig == null
                ? VqganConfig.defaults()
                : VqganConfig.load(ProjectPaths.resolve(tokenizerConfig)));
    int batch = batchSize != null ? batchSize : 4;
    System.out.printf(
        "# image encoder: VQGAN %dx%d -> %d ids, then %s (D = %d); batch %d, median of %d batches; "
            + "precision %s (VQGAN convolutions and ViT matmuls; set by --set model.compute_dtype=...)%n",
        tokenizer.inputHeight(),
        tokenizer.inputWidth(),
        tokenizer.seqLen(),
        config.name,
        config.model.embedDim,
        batch,
        steps,
        config.model.computeDtype);
    ImageEncoderBenchmark.Result r =
        ImageEncoderBenchmark.run(
            config, tokenizer, batch, warmup, steps, new SessionSettings(threads, 0, false));
    System.out.printf(
        "%-22s %10.3f images/s (%.2f s per image; %.2f CPU s per image, warm-up included)%n",
        "VQGAN encode + ViT", r.imagesPerSecond(), 1 / r.imagesPerSecond(), r.cpuSecondsPerImage());
    System.out.printf(
        "%-22s %10.3f images/s (%.2f s per image)%n",
        "VQGAN encode alone", r.tokenizerImagesPerSecond(), 1 / r.tokenizerImagesPerSecond());
    return 0;
  }

  private Map<String, String> with(int batch, String computeDtype) {
    Map<String, String> all = new LinkedHashMap<>(overrides);
    all.put("train.batch_size", Integer.toString(batch));
    all.put("model.compute_dtype", computeDtype);
    return all;
  }
}
