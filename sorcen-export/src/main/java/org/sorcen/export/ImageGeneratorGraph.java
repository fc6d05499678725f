package org.sorcen.export;

import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.IterativeDecoder;
import org.sorcen.graph.model.SorcenVariables;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.sorcen.graph.train.CheckpointOps;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Seeds straight to pixels: the generator's iterative decoding followed by the tokenizer's decoder,
 * in one graph whose variables come from two checkpoints ({@link TokenizedVariables#load}, run once
 * before export; the SavedModel then holds them all).
 */
record ImageGeneratorGraph(
    Placeholder<TInt64> seeds,
    Operand<TFloat32> temperature,
    Operand<TInt32> numIter,
    Operand<TUint8> images,
    TokenizedVariables variables) {

  static ImageGeneratorGraph build(Ops tf, SorcenConfig config, ImageTokenizer tokenizer) {
    TokenizedVariables joined =
        TokenizedVariables.declare(tf, config, tokenizer, SorcenVariables::declareGenerator);
    Variables vars = joined.vars();

    Placeholder<TInt64> seeds =
        tf.withName("seeds").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
    Operand<TFloat32> temperature =
        tf.withName("temperature")
            .placeholderWithDefault(
                tf.constant(IterativeDecoder.DEFAULT_TEMPERATURE), Shape.scalar());
    Operand<TInt32> numIter =
        tf.withName("num_iter")
            .placeholderWithDefault(tf.constant(IterativeDecoder.DEFAULT_STEPS), Shape.scalar());
    Operand<TInt32> steps = GeneratorGraph.checkedSteps(tf, numIter);
    Operand<TInt64> tokens =
        GeneratorGraph.generate(
            tf, vars::read, config, seeds, temperature, steps, GeneratorGraph.MAX_STEPS);
    Operand<TUint8> images = tokenizer.decode(tf, vars::read, tokens);
    CheckpointOps.build(tf, vars);
    return new ImageGeneratorGraph(
        seeds, temperature, numIter, tf.withName("images").identity(images), joined);
  }
}
