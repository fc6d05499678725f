package org.sorcen.train.eval;

/**
 * Token grids for seeds: an exported generator ({@code SorcenGenerator::generate}) or the model a
 * run is training, so that the generation evaluators run on either.
 */
@FunctionalInterface
public interface TokenGenerator {
  /** One grid of ids per seed; the same seed gives the same grid. */
  long[][] generate(long[] seeds, float temperature, int steps);
}
