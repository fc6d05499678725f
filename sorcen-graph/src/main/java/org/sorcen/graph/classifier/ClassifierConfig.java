package org.sorcen.graph.classifier;

import java.util.ArrayList;
import java.util.List;

/**
 * Shape of the feature classifier: one 3×3 conv + ReLU + 2×2 max-pool stage per entry of
 * {@code convWidths}, then a dense ReLU layer of {@code featureDim} (the features) and a dense
 * layer to {@code numClasses} logits. Every stage halves the image, so the size must divide by
 * 2^stages. Initial weights are keyed by {@code seed} and each variable's name.
 */
public record ClassifierConfig(
    int imageSize,
    int channels,
    int numClasses,
    List<Integer> convWidths,
    int featureDim,
    long seed) {
  /** 28×28 Fashion-MNIST padded to the tokenizer's 32×32. */
  public static final int FASHION_MNIST_SIZE = 32;

  public static final int FASHION_MNIST_CLASSES = 10;

  /** Three pooling stages leave 4×4×128 = 2048 inputs to the feature layer (262k weights, 1 MB). */
  public static final List<Integer> FASHION_MNIST_WIDTHS = List.of(32, 64, 128);

  public static final int FASHION_MNIST_FEATURES = 128;

  public ClassifierConfig {
    convWidths = List.copyOf(convWidths);
    List<String> errors = new ArrayList<>();
    if (imageSize < 1 || channels < 1 || numClasses < 2 || featureDim < 1) {
      errors.add(
          "need image_size, channels, feature_dim >= 1 and num_classes >= 2, got "
              + imageSize
              + ", "
              + channels
              + ", "
              + featureDim
              + ", "
              + numClasses);
    }
    if (convWidths.isEmpty() || convWidths.stream().anyMatch(w -> w < 1)) {
      errors.add("conv widths must be one or more positive numbers, got " + convWidths);
    } else if (imageSize % (1 << convWidths.size()) != 0) {
      errors.add(
          "image size "
              + imageSize
              + " does not divide by 2^"
              + convWidths.size()
              + " (one 2x2 pool per conv)");
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid classifier shape: " + String.join("; ", errors));
    }
  }

  public static ClassifierConfig fashionMnist(long seed) {
    return new ClassifierConfig(
        FASHION_MNIST_SIZE,
        1,
        FASHION_MNIST_CLASSES,
        FASHION_MNIST_WIDTHS,
        FASHION_MNIST_FEATURES,
        seed);
  }

  /** Side of the last conv stage's output. */
  public int finalSize() {
    return imageSize >> convWidths.size();
  }

  /** Inputs to the feature layer: the flattened last conv stage. */
  public int flatDim() {
    return finalSize() * finalSize() * convWidths.get(convWidths.size() - 1);
  }
}
