package org.sorcen.train.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sorcen.graph.classifier.ClassifierConfig;
import org.sorcen.graph.config.TrainConfig;
import org.sorcen.train.classifier.ClassifierExporter;
import org.sorcen.train.classifier.ClassifierTrainer;
import org.sorcen.train.data.ImagePadding;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.TokenizerImages;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.StopRequest;
import org.sorcen.train.session.SessionSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "classifier-train",
    description =
        "Train the small Fashion-MNIST classifier whose feature space the "
            + "generation evaluation uses (a Fréchet distance in its features, not ImageNet-Inception FID), print its test "
            + "accuracy and export it as a SavedModel: serving_default maps images uint8 [-1,32,32,1] to features and "
            + "probabilities. Images are zero-padded from 28x28 to 32x32, centred, as the tokenizer pads them. "
            + "Checkpoints go to RUN_DIR/checkpoints/step-* (every --checkpoint-every-steps / -minutes, at the end, and on "
            + "SIGINT/SIGTERM) with RUN_DIR/metrics.jsonl; the same command resumes a stopped or killed run from its newest "
            + "intact checkpoint, and refuses other --epochs, --batch-size or --seed.")
final class ClassifierTrainCommand implements Callable<Integer> {
  @Option(
      names = "--images",
      required = true,
      description =
          "A directory with the IDX files of Fashion-MNIST: "
              + "train-* to train on, t10k-* for the test accuracy.")
  Path images;

  @Option(
      names = "--out",
      required = true,
      description =
          "SavedModel directory to write, e.g. "
              + "savedmodels/classifier-fashion-mnist/1 (must not exist, unless --replace).")
  Path out;

  @Option(
      names = "--epochs",
      defaultValue = "" + ClassifierTrainer.Options.EPOCHS,
      description = "Training epochs (default ${DEFAULT-VALUE}).")
  double epochs;

  @Option(
      names = "--batch-size",
      defaultValue = "" + ClassifierTrainer.Options.BATCH_SIZE,
      description =
          "Images per step; the lr scales with it, lr = blr·B/256 (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of the initial weights and the shuffles " + "(default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Intra-op threads (0 = TensorFlow's choice).")
  int threads;

  @Option(
      names = "--run-dir",
      defaultValue = "runs/classifier-train",
      description =
          "Where the run keeps its "
              + "checkpoints and metrics.jsonl, and resumes from (default ${DEFAULT-VALUE}).")
  Path runDir;

  @Option(
      names = "--log-every-steps",
      defaultValue = "20",
      description = "Steps between rows of metrics.jsonl " + "(default ${DEFAULT-VALUE}).")
  int logEverySteps;

  @Option(
      names = "--checkpoint-every-steps",
      defaultValue = "0",
      description =
          "Checkpoint every N steps "
              + "(0 = only by time and at the end; default ${DEFAULT-VALUE}).")
  int checkpointEverySteps;

  @Option(
      names = "--checkpoint-every-minutes",
      defaultValue = "10",
      description =
          "Checkpoint at least this "
              + "often (0 = only by steps and at the end; default ${DEFAULT-VALUE}).")
  double checkpointEveryMinutes;

  @Option(
      names = "--replace",
      description =
          "Overwrite an existing --out (the old one is kept until the new one " + "is complete).")
  boolean replace;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Flags.requirePositive(spec, "--epochs", epochs);
    Flags.requireAtLeast(spec, "--batch-size", batchSize, 1);
    Flags.requireAtLeast(spec, "--threads", threads, 0);
    Flags.requireAtLeast(spec, "--log-every-steps", logEverySteps, 1);
    Flags.requireAtLeast(spec, "--checkpoint-every-steps", checkpointEverySteps, 0);
    Flags.requireNonNegative(spec, "--checkpoint-every-minutes", checkpointEveryMinutes);
    if (Files.exists(out) && !replace) {
      throw new IllegalArgumentException(
          out + " exists: choose another --out, or pass --replace to overwrite it");
    }
    ClassifierConfig cfg = ClassifierConfig.fashionMnist(seed);
    ImageSet rawTrain = TokenizerImages.read(images, TokenizerImages.TRAIN);
    ImageSet train = ImagePadding.centred(rawTrain, cfg.imageSize());
    ImageSet test =
        ImagePadding.centred(TokenizerImages.read(images, TokenizerImages.TEST), cfg.imageSize());
    ClassifierTrainer.Options options =
        new ClassifierTrainer.Options(
            epochs, batchSize, seed, ClassifierTrainer.Options.defaultOptimizer());
    TrainConfig observe = new TrainConfig();
    observe.logEverySteps = logEverySteps;
    observe.checkpointEverySteps = checkpointEverySteps;
    observe.checkpointEveryMinutes = checkpointEveryMinutes;
    try (ClassifierTrainer trainer =
        new ClassifierTrainer(
            cfg, options, train.count(), new SessionSettings(threads, 0, false))) {
      System.err.printf(
          "classifier-train: %d training images %dx%d padded to %dx%d, %d steps of %d (%.2f epochs); "
              + "run dir %s%n",
          train.count(),
          rawTrain.height(),
          rawTrain.width(),
          cfg.imageSize(),
          cfg.imageSize(),
          trainer.totalSteps(),
          batchSize,
          epochs,
          runDir);
      StopRequest stop = StopRequest.installForSignals();
      ClassifierTrainer.Summary run = trainer.train(train, System.err, runDir, observe, stop);
      if (run.interrupted()) {
        System.err.printf(
            "%nclassifier-train: stopped at step %d; checkpoint %s written. Resume with the same "
                + "command.%n",
            run.steps(), run.checkpoint());
        return stop.exitCode();
      }
      double accuracy = trainer.accuracy(test);
      ClassifierExporter.export(
          Checkpoints.prefix(run.checkpoint()),
          new ClassifierExporter.Card(
              cfg,
              options,
              rawTrain.height(),
              rawTrain.width(),
              train.classNames(),
              train.count(),
              test.count(),
              accuracy,
              run.steps(),
              run.seconds()),
          out,
          replace);
      System.out.printf("trained %d steps in %.1f min%n", run.steps(), run.seconds() / 60);
      System.out.printf("test accuracy %.2f%% (%d images)%n", 100 * accuracy, test.count());
      System.out.printf(
          "SavedModel %s: features for a Fréchet distance (FD) in this classifier's feature space, "
              + "not ImageNet-Inception FID%n",
          out);
    }
    return 0;
  }
}
