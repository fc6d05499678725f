package org.sorcen.train.eval;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.sorcen.export.SorcenGenerator;
import org.sorcen.graph.model.IterativeDecoder;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.data.TokenizerImages;

/**
 * The generation evaluation of a trained generator: n images from seeds {@code seed .. seed+n−1},
 * compared with a split of real images, next to the tokenizer floor: the same figures for the
 * tokenizer's own reconstructions of those real images (encode + decode), the best a generator of
 * its tokens can reach. The floor is slightly optimistic: each reconstruction is compared with the
 * set that holds its own original.
 */
public final class FdEvaluation {
  public static final String WHAT =
      "Fréchet distance in the feature space of a small Fashion-MNIST classifier, "
          + "not ImageNet-Inception FID";
  public static final String DEFAULT_SPLIT = GenerationConfig.DEFAULT_SPLIT;

  /** As many images as the Fashion-MNIST test split, as FID practice compares equal-sized sets. */
  public static final int DEFAULT_COUNT = GenerationConfig.DEFAULT_SAMPLES;

  /**
   * What to evaluate; {@code reference} is a directory of IDX files, {@code split} "train" or "t10k".
   * {@code generator} and {@code tokenizer} are SavedModel directories, null when the models are
   * given as objects (the model a run is training has no directory).
   */
  public record Options(
      Path generator,
      Path tokenizer,
      Path reference,
      String split,
      Path classifier,
      int count,
      long seed,
      float temperature,
      int steps) {

    /** The defaults of {@code fd}: the test split, 10 000 images from seed 0, temperature 4.5, 12 steps. */
    public static Options defaults(
        Path generator, Path tokenizer, Path reference, Path classifier) {
      return new Options(
          generator,
          tokenizer,
          reference,
          DEFAULT_SPLIT,
          classifier,
          DEFAULT_COUNT,
          0,
          IterativeDecoder.DEFAULT_TEMPERATURE,
          IterativeDecoder.DEFAULT_STEPS);
    }
  }

  /** The figures: generated vs real, tokenizer reconstructions vs real, and the real images' own IS analogue. */
  public record Report(
      Options options,
      GenerationEvaluation generated,
      GenerationEvaluation tokenizerFloor,
      InceptionScoreAnalogue reference,
      double seconds) {

    public String format() {
      StringBuilder s = new StringBuilder();
      s.append(WHAT).append('\n');
      s.append(
          String.format(
              Locale.ROOT,
              "reference: %d real images (%s split of %s)%n",
              generated.referenceCount(),
              options.split(),
              options.reference()));
      s.append(
          String.format(
              Locale.ROOT,
              "generated (%d, seeds %d..%d, temperature %.2f, %d steps): "
                  + "FD %.3f | IS-analogue %.3f ± %.3f%n",
              generated.generatedCount(),
              options.seed(),
              options.seed() + generated.generatedCount() - 1,
              options.temperature(),
              options.steps(),
              generated.fd(),
              generated.isMean(),
              generated.isStd()));
      s.append(
          String.format(
              Locale.ROOT,
              "tokenizer floor (reconstructions of the %d reference images): FD %.3f | "
                  + "IS-analogue %.3f ± %.3f%n",
              tokenizerFloor.generatedCount(),
              tokenizerFloor.fd(),
              tokenizerFloor.isMean(),
              tokenizerFloor.isStd()));
      s.append(
          String.format(
              Locale.ROOT,
              "real reference images: IS-analogue %.3f ± %.3f%n",
              reference.mean(),
              reference.std()));
      s.append(
          String.format(
              Locale.ROOT, "classifier %s; took %.0f s%n", options.classifier(), seconds));
      return s.toString();
    }

    /** The figures under their metrics keys, as {@code experiment} and {@code train} record them. */
    public Map<String, Double> figures() {
      Map<String, Double> out = new LinkedHashMap<>();
      out.put("gen/fd", generated.fd());
      out.put("gen/is_mean", generated.isMean());
      out.put("gen/is_std", generated.isStd());
      out.put("gen/tokenizer_fd", tokenizerFloor.fd());
      out.put("gen/tokenizer_is_mean", tokenizerFloor.isMean());
      out.put("gen/real_is_mean", reference.mean());
      out.put("gen/reference_count", (double) generated.referenceCount());
      out.put("gen/seconds", seconds);
      return out;
    }
  }

  private FdEvaluation() {}

  /** With the generator and tokenizer SavedModels of {@code o}. */
  public static Report run(Options o, PrintStream log) {
    check(o);
    try (Tokenizer tokenizer = Tokenizer.load(o.tokenizer());
        SorcenGenerator generator = SorcenGenerator.load(o.generator())) {
      return run(o, generator::generate, tokenizer, log);
    }
  }

  private static void check(Options o) {
    if (o.count() < 2) {
      throw new IllegalArgumentException(
          "--n must be at least 2 (a covariance needs two images), got " + o.count());
    }
    if (!o.split().equals(TokenizerImages.TEST) && !o.split().equals(TokenizerImages.TRAIN)) {
      throw new IllegalArgumentException(
          "--split must be "
              + TokenizerImages.TEST
              + " or "
              + TokenizerImages.TRAIN
              + ", got "
              + o.split());
    }
  }

  /** With a generator and tokenizer the caller owns (their paths in {@code o} are only descriptive). */
  public static Report run(
      Options o, TokenGenerator generator, Tokenizer tokenizer, PrintStream log) {
    check(o);
    long start = System.nanoTime();
    ImageSet real = TokenizerImages.read(o.reference(), o.split());
    try (FeatureClassifier classifier = FeatureClassifier.load(o.classifier())) {
      FeatureClassifier.Outputs realOut =
          classifier.run(GenerationEvaluation.padded(real, classifier));
      FeatureMoments realMoments = FeatureMoments.of(realOut.features());
      InceptionScoreAnalogue realIs =
          InceptionScoreAnalogue.of(
              realOut.probabilities(),
              Math.min(InceptionScoreAnalogue.DEFAULT_SPLITS, real.count()));

      log.printf("fd: tokenizer floor: encoding and decoding %d real images%n", real.count());
      int s = tokenizer.spec().outputSize();
      ImageSet reconstructed =
          new ImageSet(
              real.count(),
              s,
              s,
              tokenizer.spec().channels(),
              tokenizer.decode(tokenizer.encode(real), real.count()),
              real.labels(),
              real.classNames());
      GenerationEvaluation floor =
          GenerationEvaluation.of(
              classifier.run(GenerationEvaluation.padded(reconstructed, classifier)), realMoments);

      log.printf("fd: generating %d images%n", o.count());
      ImageSet generated =
          GeneratedImages.sample(
              generator, tokenizer, o.count(), o.seed(), o.temperature(), o.steps(), log);
      GenerationEvaluation gen =
          GenerationEvaluation.of(
              classifier.run(GenerationEvaluation.padded(generated, classifier)), realMoments);
      return new Report(o, gen, floor, realIs, (System.nanoTime() - start) / 1e9);
    }
  }
}
