package org.sorcen.train.eval;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * What evaluators run on. The frozen features are computed on first use only, so the trainer
 * embeds nothing when no frozen-feature evaluator is selected; either input may be absent (no
 * labels, no tokenizer), and evaluators that need it are then skipped with a note.
 *
 * @param seed seed of probes' initialisation, batches and few-shot draws
 * @param progress where progress lines go (stderr in the CLI), apart from the figures
 */
public record EvalInputs(
    long seed,
    Supplier<FrozenFeatures> features,
    GenerationInputs generation,
    PrintStream progress) {

  public EvalInputs {
    features = features != null ? once(features) : null;
  }

  public static EvalInputs features(FrozenFeatures f, long seed, PrintStream progress) {
    return new EvalInputs(seed, () -> f, null, progress);
  }

  public static EvalInputs generation(GenerationInputs g, PrintStream progress) {
    return new EvalInputs(0, null, g, progress);
  }

  boolean has(Evaluator.Input input) {
    return switch (input) {
      case FROZEN_FEATURES -> features != null;
      case GENERATION -> generation != null;
    };
  }

  private static <T> Supplier<T> once(Supplier<T> s) {
    return new Supplier<>() {
      private T value;

      @Override
      public T get() {
        if (value == null) {
          value = s.get();
        }
        return value;
      }
    };
  }
}
