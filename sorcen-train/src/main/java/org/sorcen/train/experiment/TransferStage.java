package org.sorcen.train.experiment;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.sorcen.train.data.ClassSelection;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.DatasetManifest;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDatasetWriter;
import org.sorcen.train.eval.Embedder;
import org.sorcen.train.eval.FrozenFeatures;
import org.sorcen.train.eval.Representations;
import org.sorcen.train.pretrain.InitialRun;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.pretrain.Run;
import org.sorcen.train.run.Checkpoints;

/**
 * The experiment's transfer table ({@link ExperimentConfig.Transfer}): Sorcen pre-trained on some
 * classes only, probed on the others, whose images it never saw, beside the initial encoder and the
 * pixels of those classes. The probe classes' images are read as tokens of the experiment's dataset:
 * for images of the tokenizer's input size that is what the image encoder computes (checked by
 * ImageEncoderExportTest). Everything lands under {@code <work>/transfer/}, so a re-run resumes.
 */
final class TransferStage {
  /** Trains (or resumes, or finds finished) one run: the experiment's own training stage. */
  interface Training {
    Experiment.TrainingCost train(JobConfig cfg, Path tokens, Path runDir);
  }

  private final ExperimentConfig.Transfer t;
  private final Training training;
  private final Function<FrozenFeatures, Map<String, Double>> figures;
  private final PrintStream log;

  TransferStage(
      ExperimentConfig.Transfer t,
      Training training,
      Function<FrozenFeatures, Map<String, Double>> figures,
      PrintStream log) {
    this.t = t;
    this.training = training;
    this.figures = figures;
    this.log = log;
  }

  /** The table's rows: the pre-trained encoder, the initial one, the pixels. */
  List<ResultsReport.Row> run(
      JobConfig cfg,
      Path work,
      DatasetManifest m,
      TokenArrays train,
      TokenArrays test,
      Map<String, ImageSet> images,
      Path tokenizer) {
    ClassSelection pre = ClassSelection.parse(t.pretrainClasses);
    ClassSelection probe = ClassSelection.parse(t.probeClasses);
    for (ClassSelection s : List.of(pre, probe)) {
      if (!s.missingFrom(m.numClasses).isEmpty()) {
        throw new DataException(
            "transfer: classes "
                + s.missingFrom(m.numClasses)
                + " are not among the dataset's "
                + m.numClasses
                + " (labels 0.."
                + (m.numClasses - 1)
                + ")");
      }
    }
    Path dir = work.resolve("transfer");
    Path tokens = dir.resolve("tokens-pretrain");
    if (!Files.isRegularFile(tokens.resolve(DatasetManifest.FILE))) {
      log.printf("experiment: transfer: writing the tokens of classes %s into %s%n", pre, tokens);
      TokenDatasetWriter.write(
          tokens,
          m.grid,
          m.codebookSize,
          m.classNames,
          m.tokenizerFingerprint,
          List.of(
              new TokenDatasetWriter.SplitRows("train", pre.keep(train, false)),
              new TokenDatasetWriter.SplitRows("test", pre.keep(test, false))),
          true);
    }
    Path runDir = dir.resolve("sorcen");
    Experiment.TrainingCost cost = training.train(cfg, tokens, runDir);
    Path trained = Run.open(runDir).checkpoint(note -> log.println("experiment: " + note));
    Path initial = InitialRun.ensure(cfg, dir.resolve("initial"), tokens, tokenizer);

    TokenArrays probeTrain = probe.keep(train, true);
    TokenArrays probeTest = probe.keep(test, true);
    int n = probe.labels().size();
    log.printf(
        "experiment: transfer: probing classes %s (%d + %d images)%n",
        probe, probeTrain.count(), probeTest.count());
    ImageSet px = images.get("train");
    ImageSet pxTest = images.get("test");
    FrozenFeatures pixels = Representations.pixels(probe.keep(px), probe.keep(pxTest), n);
    pixels =
        new FrozenFeatures(
            pixels.train(),
            probe.relabel(pixels.trainLabels()),
            pixels.test(),
            probe.relabel(pixels.testLabels()),
            n);
    return List.of(
        ResultsReport.Row.single(
            "sorcen, pre-trained on classes " + pre,
            encoder(cfg, trained, probeTrain, probeTest, n),
            cost,
            null),
        ResultsReport.Row.single(
            "initial encoder (untrained)",
            encoder(cfg, initial, probeTrain, probeTest, n),
            null,
            null),
        ResultsReport.Row.single("raw pixels", figures.apply(pixels), null, null));
  }

  private Map<String, Double> encoder(
      JobConfig cfg, Path ckpt, TokenArrays train, TokenArrays test, int n) {
    try (Embedder e = Embedder.checkpoint(cfg, Checkpoints.prefix(ckpt))) {
      return figures.apply(Representations.encoder(e::embed, train, test, n, 0));
    }
  }
}
