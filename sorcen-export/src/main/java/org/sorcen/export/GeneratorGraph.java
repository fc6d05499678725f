package org.sorcen.export;

import java.util.List;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.IterativeDecoder;
import org.sorcen.graph.model.SorcenVariables;
import org.sorcen.graph.nn.LayerContext;
import org.sorcen.graph.nn.Precision;
import org.sorcen.graph.nn.Shapes;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.sorcen.graph.train.CheckpointOps;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The inference-only generator (ALGORITHM.md §7): encoder, decoder and MLM head; {@code seeds} [-1] →
 * {@code tokens} [-1, L] (generate), and known tokens + {@code known_mask} → completed tokens
 * (inpaint). Temperature and the number of steps default to the paper's ({@link IterativeDecoder}); the steps are checked
 * to lie in [1, {@value #MAX_STEPS}]. The graph the {@code sorcen-generator} SavedModel serves.
 */
public record GeneratorGraph(
    Placeholder<TInt64> seeds,
    Operand<TFloat32> temperature,
    Operand<TInt32> numIter,
    Operand<TInt64> tokens,
    Placeholder<TInt64> known,
    Placeholder<TBool> knownMask,
    Operand<TInt64> completed) {
  static final int MAX_STEPS = 32;

  /** Builds the graph on {@code tf} with the generator's variables declared but not loaded. */
  public static GeneratorGraph build(Ops tf, SorcenConfig config) {
    Variables vars = new Variables(tf);
    SorcenVariables.declareGenerator(vars, config);
    int l = config.model.seqLen();
    Placeholder<TInt64> seeds =
        tf.withName("seeds").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
    Operand<TFloat32> temperature =
        tf.withName("temperature")
            .placeholderWithDefault(
                tf.constant(IterativeDecoder.DEFAULT_TEMPERATURE), Shape.scalar());
    Operand<TInt32> numIter =
        tf.withName("num_iter")
            .placeholderWithDefault(tf.constant(IterativeDecoder.DEFAULT_STEPS), Shape.scalar());
    Operand<TInt32> steps = checkedSteps(tf, numIter);
    Operand<TInt64> tokens = generate(tf, vars::read, config, seeds, temperature, steps, MAX_STEPS);

    Placeholder<TInt64> known =
        tf.withName("tokens").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, l)));
    Placeholder<TBool> knownMask =
        tf.withName("known_mask").placeholder(TBool.class, Placeholder.shape(Shape.of(-1, l)));
    // Unknown positions may hold anything; known ones must be real ids.
    Operand<TInt64> checked =
        InputChecks.idsInRange(
            tf,
            tf.select(knownMask, known, tf.zerosLike(known)),
            0,
            config.model.codebookSize,
            "known token ids");
    Operand<TInt64> start =
        tf.select(knownMask, checked, tf.constant((long) config.model.maskId()));
    Operand<TInt64> completed =
        IterativeDecoder.decode(
            context(tf, vars::read, config),
            config.model,
            seeds,
            start,
            temperature,
            steps,
            MAX_STEPS);
    CheckpointOps.build(tf, vars);
    return new GeneratorGraph(
        seeds,
        temperature,
        numIter,
        tf.withName("generated_tokens").identity(tokens),
        known,
        knownMask,
        tf.withName("completed_tokens").identity(completed));
  }

  /**
   * Ids [-1, L] decoded from all-masked sequences, one per seed, by {@code steps} (at most {@code
   * maxSteps}) steps of MAGE iterative decoding on {@code weights} in eval mode: the generate path of
   * this graph, for any graph holding the generator's variables (e.g. a training session's).
   */
  public static Operand<TInt64> generate(
      Ops tf,
      WeightSource weights,
      SorcenConfig config,
      Operand<TInt64> seeds,
      Operand<TFloat32> temperature,
      Operand<TInt32> steps,
      int maxSteps) {
    Operand<TInt64> allMask =
        tf.fill(
            tf.stack(List.of(Shapes.batchSize(tf, seeds), tf.constant(config.model.seqLen()))),
            tf.constant((long) config.model.maskId()));
    return IterativeDecoder.decode(
        context(tf, weights, config), config.model, seeds, allMask, temperature, steps, maxSteps);
  }

  private static LayerContext context(Ops tf, WeightSource weights, SorcenConfig config) {
    return LayerContext.inference(tf, weights, Precision.of(config.model.computeDtype));
  }

  /** num_iter, after an in-graph check that it lies in [1, MAX_STEPS]. */
  static Operand<TInt32> checkedSteps(Ops tf, Operand<TInt32> numIter) {
    AssertThat ok =
        tf.assertThat(
            tf.math.logicalAnd(
                tf.math.greaterEqual(numIter, tf.constant(1)),
                tf.math.lessEqual(numIter, tf.constant(MAX_STEPS))),
            List.of(tf.constant("num_iter must be in [1, " + MAX_STEPS + "], got"), numIter));
    return tf.withControlDependencies(List.of(ok)).identity(numIter);
  }
}
