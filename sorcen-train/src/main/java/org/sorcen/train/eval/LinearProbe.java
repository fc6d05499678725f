package org.sorcen.train.eval;

import org.sorcen.graph.probe.LinearClassifierGraph;

/**
 * The linear probe of ALGORITHM.md §8 on frozen features: parameter-free BatchNorm (exact training
 * statistics, see {@link Standardizer}) + a linear head trained with LARS (the official default) or
 * SGD with momentum, lr = blr·batch/256 for the batch the fit uses, warm-up then cosine; top-1
 * accuracy on the held-out split.
 */
public final class LinearProbe {
  private LinearProbe() {}

  public record Result(double testTop1, double trainTop1, float finalLoss) {}

  public static Result evaluate(FrozenFeatures f, LinearProbeConfig cfg, long seed) {
    FrozenFeatures used = f.limitTrain(cfg.trainRows);
    Standardizer norm = new Standardizer(used.train());
    float[][] train = norm.apply(used.train());
    float[][] test = norm.apply(used.test());
    double trust = cfg.optimizer.equals("lars") ? cfg.trustCoefficient : 0;
    var training =
        new LinearClassifierGraph.Training(
            cfg.peakLr(train.length),
            cfg.warmupEpochs,
            cfg.epochs,
            cfg.momentum,
            cfg.weightDecay,
            trust,
            seed);
    try (LinearClassifier head = new LinearClassifier(used.dim(), used.numClasses(), training)) {
      float loss = head.fit(train, used.trainLabels(), cfg.batchSize, cfg.epochs, seed);
      return new Result(
          LinearClassifier.accuracy(head.predict(test), used.testLabels()),
          LinearClassifier.accuracy(head.predict(train), used.trainLabels()),
          loss);
    }
  }
}
