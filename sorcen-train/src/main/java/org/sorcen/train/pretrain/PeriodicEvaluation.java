package org.sorcen.train.pretrain;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.sorcen.train.data.ProjectPaths;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.data.Tokenizer;
import org.sorcen.train.eval.EvalInputs;
import org.sorcen.train.eval.EvaluatorRegistry;
import org.sorcen.train.eval.FrozenFeatures;
import org.sorcen.train.eval.GenerationInputs;
import org.sorcen.train.eval.Representations;
import org.sorcen.train.session.TrainingSession;

/**
 * The evaluators of {@code eval.evaluators} on the model a run is training: frozen-feature ones on
 * its embeddings of the training and held-out splits (when the dataset is labelled), generation
 * ones on its own samples decoded by the run's tokenizer (when it has one).
 */
final class PeriodicEvaluation {
  /** Rows per embedding call. */
  static final int EMBED_BATCH = 256;

  private static final EvaluatorRegistry EVALUATORS = EvaluatorRegistry.standard();

  private PeriodicEvaluation() {}

  /** The figures under their TensorBoard keys; {@code tokenizer} may be null. */
  static Map<String, Double> at(
      long step,
      JobConfig c,
      TrainingSession session,
      TokenDataset data,
      String heldOut,
      Tokenizer tokenizer,
      PrintStream log) {
    int classes = data.manifest().numClasses;
    Supplier<FrozenFeatures> features =
        classes > 1
            ? () -> {
              log.printf(
                  Locale.ROOT,
                  "sorcen: step %d: evaluating frozen features on split '%s'%n",
                  step,
                  heldOut);
              return Representations.encoder(
                  ids -> session.inference().embed(ids, EMBED_BATCH),
                  data.readAll("train"),
                  data.readAll(heldOut),
                  classes,
                  EVALUATORS.trainRowsNeeded(c.eval));
            }
            : null;
    int seqLen = c.model.seqLen();
    GenerationInputs generation =
        tokenizer == null
            ? null
            : new GenerationInputs(
                (seeds, temperature, steps) ->
                    grids(session.inference().generate(seeds, steps, temperature), seqLen),
                tokenizer,
                ProjectPaths::resolve);
    return EVALUATORS.run(c.eval, new EvalInputs(c.train.seed, features, generation, log), log);
  }

  /** The session's [n × L] ids as n grids, the shape of an exported generator's output. */
  private static long[][] grids(long[] ids, int seqLen) {
    long[][] out = new long[ids.length / seqLen][];
    for (int i = 0; i < out.length; i++) {
      out[i] = Arrays.copyOfRange(ids, i * seqLen, (i + 1) * seqLen);
    }
    return out;
  }
}
