package org.sorcen.train.eval;

import java.util.Arrays;
import java.util.function.Function;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.TokenArrays;

/**
 * Where frozen features come from: a trained encoder (any function from token rows to
 * embeddings: a training session or an exported SavedModel), and the two reference points the
 * results table compares it with — the tokens' one-hot bag of ids and the raw pixels.
 */
public final class Representations {
  private Representations() {}

  /**
   * @param embed flat ids of some rows (row-major, L per row) to one embedding per row
   * @param trainRows training rows to embed (0 = all)
   */
  public static FrozenFeatures encoder(
      Function<long[], float[][]> embed,
      TokenArrays train,
      TokenArrays test,
      int numClasses,
      int trainRows) {
    int n = trainRows > 0 ? Math.min(trainRows, train.count()) : train.count();
    long[] ids = Arrays.copyOf(train.ids(), n * train.seqLen());
    return new FrozenFeatures(
        embed.apply(ids),
        Arrays.copyOf(train.labels(), n),
        embed.apply(test.ids()),
        test.labels(),
        numClasses);
  }

  /** Histogram of token ids per grid, divided by L: what a model that ignores positions can see. */
  public static FrozenFeatures bagOfTokens(
      TokenArrays train, TokenArrays test, int codebookSize, int numClasses) {
    return new FrozenFeatures(
        bag(train, codebookSize),
        train.labels(),
        bag(test, codebookSize),
        test.labels(),
        numClasses);
  }

  static float[][] bag(TokenArrays t, int codebookSize) {
    float[][] out = new float[t.count()][codebookSize];
    float w = 1f / t.seqLen();
    for (int i = 0; i < t.count(); i++) {
      for (int j = 0; j < t.seqLen(); j++) {
        out[i][(int) t.ids()[i * t.seqLen() + j]] += w;
      }
    }
    return out;
  }

  /** Pixels scaled to [0, 1], one row per image. */
  public static FrozenFeatures pixels(ImageSet train, ImageSet test, int numClasses) {
    return new FrozenFeatures(
        pixels(train), train.labels(), pixels(test), test.labels(), numClasses);
  }

  static float[][] pixels(ImageSet s) {
    int size = s.imageSize();
    float[][] out = new float[s.count()][size];
    for (int i = 0; i < s.count(); i++) {
      for (int j = 0; j < size; j++) {
        out[i][j] = (s.pixels()[i * size + j] & 0xFF) / 255f;
      }
    }
    return out;
  }
}
