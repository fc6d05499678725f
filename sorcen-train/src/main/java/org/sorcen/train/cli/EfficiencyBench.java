package org.sorcen.train.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.sorcen.graph.vqgan.VqganConfig;
import org.sorcen.graph.vqgan.VqganTokenizer;
import org.sorcen.train.bench.EfficiencyBenchmark;
import org.sorcen.train.bench.TrainingBenchmark;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.ImageSources;
import org.sorcen.train.data.ProjectPaths;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.session.BatchInput;
import org.sorcen.train.session.SessionSettings;

/**
 * {@code ./sorcen bench --efficiency}: which tokenizer and images official MAGE's step gets for a
 * config, then the three timed rows and the ratio beside the paper's figure. A config that fits the
 * embedded tokenizer (sorcen-tiny) gets it, with its weights, and the embedded slice's images; a
 * larger one (ViT-B: 16×16 ids of 1024 codes) gets the official VQGAN's graph at 256×256 with its
 * initial random weights and random images, since a step's time does not depend on weight or pixel
 * values and the official checkpoint is not in the repository.
 */
final class EfficiencyBench {
  /** What the online row tokenizes, and how to say so. */
  record Source(ImageTokenizer tokenizer, Path tokenizerDir, ImageSet images, String description) {}

  private EfficiencyBench() {}

  static Source source(SorcenConfig config, Path tokenizerDir, Path imagesSrc, Path vqganConfig) {
    if (tokenizerDir == null && vqganConfig == null) {
      Path embedded = ProjectPaths.resolve(TrainCommand.EMBEDDED_TOKENIZER);
      if (fits(Tokenizer.spec(embedded), config)) {
        tokenizerDir = embedded;
        imagesSrc =
            imagesSrc != null ? imagesSrc : ProjectPaths.resolve(TrainCommand.EMBEDDED_IMAGES);
      }
    }
    ImageTokenizer tokenizer =
        tokenizerDir != null
            ? Tokenizer.spec(tokenizerDir)
            : new VqganTokenizer(
                vqganConfig == null ? VqganConfig.defaults() : VqganConfig.load(vqganConfig));
    if (!fits(tokenizer, config)) {
      throw new IllegalArgumentException(
          "the tokenizer makes "
              + tokenizer.seqLen()
              + " ids of "
              + tokenizer.codebookSize()
              + " codes, "
              + config.name
              + " takes "
              + config.model.seqLen()
              + " of "
              + config.model.codebookSize
              + ": name a tokenizer that fits with --tokenizer or --tokenizer-config");
    }
    ImageSet images =
        imagesSrc != null
            ? ImageSources.read(imagesSrc, null, tokenizer.channels()).get("train")
            : random(tokenizer, 8 * config.train.batchSize, config.model.numClasses);
    String weights =
        tokenizerDir != null
            ? tokenizerDir + " (its weights)"
            : tokenizer.kind()
                + " "
                + tokenizer.inputHeight()
                + "x"
                + tokenizer.inputWidth()
                + " with random initial "
                + "weights (a step's time does not depend on weight values)";
    String pixels = imagesSrc != null ? imagesSrc.toString() : "random";
    return new Source(
        tokenizer,
        tokenizerDir,
        images,
        String.format(
            "tokenizer %s; images %s (%d of %dx%dx%d)",
            weights, pixels, images.count(), images.height(), images.width(), images.channels()));
  }

  private static boolean fits(ImageTokenizer t, SorcenConfig config) {
    return t.seqLen() == config.model.seqLen() && t.codebookSize() == config.model.codebookSize;
  }

  /** Random pixels at the tokenizer's input size, random labels (−1 without classes). */
  static ImageSet random(ImageTokenizer t, int count, int classes) {
    Random r = new Random(0);
    byte[] px = new byte[count * t.inputHeight() * t.inputWidth() * t.channels()];
    r.nextBytes(px);
    long[] labels = new long[count];
    for (int i = 0; i < count; i++) {
      labels[i] = classes > 0 ? r.nextInt(classes) : -1;
    }
    return new ImageSet(
        count, t.inputHeight(), t.inputWidth(), t.channels(), px, labels, List.of());
  }

  /** Times the three rows of {@code config} and prints them (the bench table's first four columns) and the ratio. */
  static void run(
      JobConfig config,
      Source s,
      int warmup,
      int steps,
      SessionSettings settings,
      PrintStream out) {
    if (s.images().count() < config.train.batchSize) {
      throw new IllegalArgumentException(
          "the images hold "
              + s.images().count()
              + " rows, fewer than the batch "
              + config.train.batchSize
              + ": lower --batch-size");
    }
    out.printf(
        "# efficiency: %s, batch %d, %s; %s%n",
        config.name, config.train.batchSize, config.model.computeDtype, s.description());
    BatchInput.FromImages images =
        new BatchInput.FromImages(
            s.images(),
            s.tokenizer(),
            s.tokenizerDir(),
            config.train.batchSize,
            config.train.seed,
            config.model.numClasses > 0);
    EfficiencyBenchmark.Result r = EfficiencyBenchmark.run(config, images, warmup, steps, settings);
    // The first four columns are read by scripts, as in the default table.
    out.printf(
        "%-18s %6s %5s %10s %10s %12s  %-7s %s%n",
        "config", "batch", "xla", "ms/step", "samples/s", "1st step ms", "method", "input");
    for (EfficiencyBenchmark.Row row : r.rows()) {
      TrainingBenchmark.Result t = row.result();
      out.printf(
          "%-18s %6d %5s %10.1f %10.1f %12.0f  %-7s %s%n",
          config.name,
          t.batch(),
          t.xla() ? "on" : "off",
          t.msPerStep(),
          t.samplesPerSecond(),
          t.firstStepMs(),
          row.method(),
          row.input());
    }
    out.printf(
        "# Sorcen on precomputed tokens: %+.1f%% samples/s over official MAGE with online tokenization "
            + "(paper: %.1f%% more efficient); MAGE's step on images takes %+.1f%% the time of its step on tokens%n",
        r.percentMoreThroughput(), EfficiencyBenchmark.PAPER_PERCENT, r.onlineOverheadPercent());
  }
}
