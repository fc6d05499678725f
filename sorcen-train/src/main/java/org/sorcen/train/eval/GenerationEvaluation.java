package org.sorcen.train.eval;

import org.sorcen.train.data.ImagePadding;
import org.sorcen.train.data.ImageSet;

/**
 * How close a set of images comes to a reference set in a feature classifier's eyes: the Fréchet
 * distance between their features (lower is better; this is not ImageNet-Inception FID) and the
 * Inception-score analogue of the images' class probabilities (higher is more confident and varied).
 */
public record GenerationEvaluation(
    double fd, double isMean, double isStd, int generatedCount, int referenceCount) {

  /** Both sets are zero-padded, centred, to the classifier's size first (the tokenizer's padding). */
  public static GenerationEvaluation of(
      ImageSet generated, ImageSet reference, FeatureClassifier classifier) {
    FeatureMoments ref = FeatureMoments.of(classifier.features(padded(reference, classifier)));
    return of(classifier.run(padded(generated, classifier)), ref);
  }

  /** From the generated images' classifier outputs and the reference features' moments, computed once. */
  public static GenerationEvaluation of(
      FeatureClassifier.Outputs generated, FeatureMoments reference) {
    int n = generated.features().length;
    InceptionScoreAnalogue is =
        InceptionScoreAnalogue.of(
            generated.probabilities(), Math.min(InceptionScoreAnalogue.DEFAULT_SPLITS, n));
    double fd = FrechetDistance.between(FeatureMoments.of(generated.features()), reference);
    return new GenerationEvaluation(fd, is.mean(), is.std(), n, reference.count());
  }

  static ImageSet padded(ImageSet images, FeatureClassifier classifier) {
    return ImagePadding.centred(images, classifier.imageSize());
  }
}
