package org.sorcen.train.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sorcen.export.TokenizerExport;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.data.ImageGrid;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.data.TokenizerImages;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.StopRequest;
import org.sorcen.train.session.SessionSettings;
import org.sorcen.train.tokenizer.TokenizerEvaluation;
import org.sorcen.train.tokenizer.TokenizerTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "tokenizer-train",
    description =
        "Train a VQ image tokenizer (conv encoder/decoder, EMA codebook) "
            + "and write OUT/ as a SavedModel (signatures encode and decode), OUT/reconstructions.png, then print the "
            + "test-set PSNR and codebook usage. Checkpoints go to OUT/checkpoints/step-* (every "
            + "train.checkpoint_every_steps / _minutes, at the end, and on SIGINT/SIGTERM) with OUT/checkpoints/metrics.jsonl; "
            + "the same command resumes a stopped or killed run from its newest intact checkpoint, and refuses a config "
            + "that differs in more than logging and checkpoint cadence.")
final class TokenizerTrainCommand implements Callable<Integer> {
  /** Under OUT/, where the training run keeps its checkpoints (the exporters skip it when copying a tokenizer). */
  static final String CHECKPOINTS = "checkpoints";

  @Option(
      names = "--images",
      required = true,
      description =
          "A directory with the IDX files of MNIST or "
              + "Fashion-MNIST: train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] to train on, "
              + "t10k-* for the test figures.")
  Path images;

  @Option(
      names = "--config",
      required = true,
      description = "Tokenizer config, e.g. configs/tokenizer-fashion-mnist.json.")
  Path config;

  @Option(
      names = "--out",
      required = true,
      description =
          "Output directory (must not hold a SavedModel yet; "
              + "its checkpoints/ are resumed from).")
  Path out;

  @Option(
      names = "--set",
      description = "Dotted config override key=value (repeatable), e.g. train.epochs=2.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--max-steps",
      defaultValue = "0",
      description =
          "Stop after this many steps (the lr schedule "
              + "still spans the configured run): to measure throughput before a long run. 0 = the whole run.")
  long maxSteps;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Intra-op threads (0 = TensorFlow's choice).")
  int threads;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Flags.requireAtLeast(spec, "--max-steps", maxSteps, 0);
    Flags.requireAtLeast(spec, "--threads", threads, 0);
    TokenizerConfig cfg = TokenizerConfig.load(config, overrides);
    if (Files.exists(out.resolve("saved_model.pb"))) {
      throw new IllegalArgumentException(
          out + " already holds a SavedModel: choose another --out or remove it");
    }
    ImageSet train = TokenizerImages.read(images, TokenizerImages.TRAIN);
    ImageSet test = TokenizerImages.read(images, TokenizerImages.TEST);
    long steps = TokenizerTrainer.totalSteps(cfg, train);
    System.err.printf(
        "tokenizer-train: %s, %d training images %dx%dx%d, %d steps of %d (%.2f epochs)%n",
        cfg.name,
        train.count(),
        train.height(),
        train.width(),
        train.channels(),
        maxSteps > 0 ? Math.min(maxSteps, steps) : steps,
        cfg.train.batchSize,
        cfg.train.epochs);
    StopRequest stop = StopRequest.installForSignals();
    TokenizerTrainer.Summary run =
        TokenizerTrainer.resumable(
            cfg,
            train,
            out.resolve(CHECKPOINTS),
            new SessionSettings(threads, 0, false),
            maxSteps,
            System.err,
            stop);
    Path checkpoint = run.checkpoint();
    if (run.interrupted()) {
      System.err.printf(
          "%ntokenizer-train: stopped at step %d; checkpoint %s written. Resume with the same command.%n",
          run.steps(), checkpoint);
      return stop.exitCode();
    }
    String fingerprint = TokenizerExport.write(cfg, Checkpoints.prefix(checkpoint), out);
    try (Tokenizer tokenizer = Tokenizer.load(out)) {
      TokenizerEvaluation eval = TokenizerEvaluation.run(tokenizer, test);
      Path grid = out.resolve("reconstructions.png");
      ImageGrid.writePairs(grid, test, eval.reconstructions(), 64, 8, 3);
      Files.writeString(
          out.resolve("assets.extra/evaluation.json"),
          String.format(
              "{\"test_images\": %d, \"mean_psnr_db\": %.3f, \"codes_used\": %d, \"codebook_size\": %d, "
                  + "\"training_steps\": %d, \"training_seconds\": %.1f}%n",
              test.count(),
              eval.meanPsnr(),
              eval.codesUsed(),
              eval.codebookSize(),
              run.steps(),
              run.seconds()));
      System.out.printf(
          "trained %d steps in %s (%.0f images/s)%n",
          run.steps(), String.format("%.1f min", run.seconds() / 60), run.imagesPerSecond());
      System.out.printf(
          "test set (%d images): mean PSNR %.2f dB, codebook usage %d/%d (%.1f%%)%n",
          test.count(), eval.meanPsnr(), eval.codesUsed(), eval.codebookSize(), 100 * eval.usage());
      System.out.printf(
          "encode %.0f images/s, decode %.0f images/s%n",
          eval.encodeImagesPerSecond(), eval.decodeImagesPerSecond());
      System.out.printf(
          "SavedModel %s (fingerprint %s), checkpoint %s, grid %s%n",
          out, fingerprint.substring(0, 16), checkpoint, grid);
    }
    return 0;
  }
}
