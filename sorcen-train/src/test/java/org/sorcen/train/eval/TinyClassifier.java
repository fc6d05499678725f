package org.sorcen.train.eval;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.sorcen.graph.classifier.ClassifierConfig;
import org.sorcen.graph.config.OptimizerConfig;
import org.sorcen.train.classifier.ClassifierExporter;
import org.sorcen.train.classifier.ClassifierTrainer;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.session.SessionSettings;

/** A classifier of 8×8 images small enough to train in a test: where a bright square sits (4 classes). */
public final class TinyClassifier {
  public static final int SIZE = 8;
  public static final int CLASSES = 4;
  public static final ClassifierConfig CONFIG =
      new ClassifierConfig(SIZE, 1, CLASSES, List.of(4, 8), 16, 3);

  private TinyClassifier() {}

  /** Trains for a few dozen steps and exports to {@code out}; returns the trainer's probabilities of {@code probe}. */
  public static float[][] trainAndExport(Path out, ImageSet probe) {
    OptimizerConfig fast = ClassifierTrainer.Options.defaultOptimizer();
    fast.blr = 0.05; // lr 3e-3 at batch 16: a few dozen steps must do
    fast.warmupEpochs = 0;
    ClassifierTrainer.Options options = new ClassifierTrainer.Options(20, 16, 1, fast);
    ImageSet train = squares(64, 1);
    try (ClassifierTrainer t =
        new ClassifierTrainer(CONFIG, options, train.count(), SessionSettings.defaults())) {
      ClassifierTrainer.Summary run =
          t.train(train, new PrintStream(OutputStream.nullOutputStream()));
      Path checkpoint = out.resolveSibling(out.getFileName() + "-checkpoint").resolve("classifier");
      t.save(checkpoint);
      ClassifierExporter.export(
          checkpoint,
          new ClassifierExporter.Card(
              CONFIG,
              options,
              SIZE,
              SIZE,
              List.of(),
              train.count(),
              0,
              t.accuracy(squares(64, 2)),
              run.steps(),
              run.seconds()),
          out,
          false);
      return t.probabilities(probe);
    }
  }

  /** {@code n} S×S images, each a bright quarter square in one of the four corners (the label) on faint noise. */
  public static ImageSet squares(int n, long seed) {
    Random r = new Random(seed);
    int half = SIZE / 2;
    byte[] px = new byte[n * SIZE * SIZE];
    long[] y = new long[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(CLASSES);
      int oy = (int) (y[i] / 2) * half;
      int ox = (int) (y[i] % 2) * half;
      for (int p = 0; p < SIZE * SIZE; p++) {
        px[i * SIZE * SIZE + p] = (byte) r.nextInt(40);
      }
      for (int dy = 0; dy < half; dy++) {
        for (int dx = 0; dx < half; dx++) {
          px[i * SIZE * SIZE + (oy + dy) * SIZE + ox + dx] = (byte) (180 + r.nextInt(76));
        }
      }
    }
    return new ImageSet(n, SIZE, SIZE, 1, px, y, List.of());
  }
}
