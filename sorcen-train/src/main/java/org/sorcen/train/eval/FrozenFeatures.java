package org.sorcen.train.eval;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Frozen features of a labelled training split and a held-out split: what every representation
 * evaluator consumes. Rows whose label is unknown (−1) are dropped on construction.
 */
public record FrozenFeatures(
    float[][] train, long[] trainLabels, float[][] test, long[] testLabels, int numClasses) {

  public FrozenFeatures {
    if (train.length != trainLabels.length || test.length != testLabels.length) {
      throw new IllegalArgumentException(
          "features and labels differ in count: train "
              + train.length
              + "/"
              + trainLabels.length
              + ", test "
              + test.length
              + "/"
              + testLabels.length);
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException(
          "evaluation needs labels of at least 2 classes; the dataset has " + numClasses);
    }
    int[] keepTrain = known(trainLabels);
    int[] keepTest = known(testLabels);
    train = pick(train, keepTrain);
    trainLabels = pick(trainLabels, keepTrain);
    test = pick(test, keepTest);
    testLabels = pick(testLabels, keepTest);
    if (train.length == 0 || test.length == 0) {
      throw new IllegalArgumentException(
          "evaluation needs labelled rows in both splits; found "
              + train.length
              + " training and "
              + test.length
              + " held-out rows with a label");
    }
    int dim = train[0].length;
    for (float[][] set : new float[][][] {train, test}) {
      for (float[] row : set) {
        if (row.length != dim) {
          throw new IllegalArgumentException(
              "feature rows differ in width: " + row.length + " vs " + dim);
        }
      }
    }
  }

  public int dim() {
    return train[0].length;
  }

  /** The first {@code rows} training rows (all when rows is 0 or larger than the split). */
  public FrozenFeatures limitTrain(int rows) {
    if (rows <= 0 || rows >= train.length) {
      return this;
    }
    return new FrozenFeatures(
        Arrays.copyOf(train, rows), Arrays.copyOf(trainLabels, rows), test, testLabels, numClasses);
  }

  private static int[] known(long[] labels) {
    return IntStream.range(0, labels.length).filter(i -> labels[i] >= 0).toArray();
  }

  private static float[][] pick(float[][] x, int[] rows) {
    return rows.length == x.length
        ? x
        : Arrays.stream(rows).mapToObj(i -> x[i]).toArray(float[][]::new);
  }

  private static long[] pick(long[] x, int[] rows) {
    return rows.length == x.length ? x : Arrays.stream(rows).mapToLong(i -> x[i]).toArray();
  }
}
