package org.sorcen.train.eval;

import java.util.List;
import org.sorcen.graph.config.Checks;
import org.sorcen.graph.model.IterativeDecoder;

/**
 * What the generation evaluators (FD and the Inception-score analogue) compare generated images
 * with, and how they sample. Shared by every generation evaluator, as {@code held_out_split} is by
 * the frozen-feature ones. The defaults are those of {@code ./sorcen eval fd}; only
 * {@code reference} has none, and it is required once a generation evaluator is selected.
 */
public final class GenerationConfig {
  public static final String DEFAULT_SPLIT = "t10k";
  public static final String DEFAULT_CLASSIFIER = "savedmodels/classifier-fashion-mnist/1";

  /** As many images as the Fashion-MNIST test split: FID practice compares equal-sized sets. */
  public static final int DEFAULT_SAMPLES = 10_000;

  /** Directory with the IDX files of the real images, e.g. /usr/share/datasets/fashion-mnist. */
  public String reference;

  /** Real split to compare with: "t10k" or "train". */
  public String split = DEFAULT_SPLIT;

  /** Feature classifier SavedModel whose features define the Fréchet distance (relative: to the repository). */
  public String classifier = DEFAULT_CLASSIFIER;

  /** Images to generate, from seeds seed..seed+samples-1. */
  public int samples = DEFAULT_SAMPLES;

  public long seed = 0;

  /** The paper's sampling settings, also the exported generator's defaults. */
  public float temperature = IterativeDecoder.DEFAULT_TEMPERATURE;

  public int steps = IterativeDecoder.DEFAULT_STEPS;

  /** {@code needed}: a generation evaluator is selected, so the reference images must be named. */
  public void validate(List<String> errors, String prefix, boolean needed) {
    if (needed && (reference == null || reference.isBlank())) {
      errors.add(
          prefix
              + "reference is required by the generation evaluators: the directory of the real images' "
              + "IDX files, e.g. /usr/share/datasets/fashion-mnist");
    }
    Checks.oneOf(errors, prefix + "split", split, "t10k", "train");
    if (classifier == null || classifier.isBlank()) {
      errors.add(
          prefix
              + "classifier must name a feature classifier SavedModel, e.g. "
              + DEFAULT_CLASSIFIER);
    }
    Checks.atLeast(errors, prefix + "samples", samples, 2);
    Checks.nonNegative(errors, prefix + "temperature", temperature);
    Checks.atLeast(errors, prefix + "steps", steps, 1);
  }
}
