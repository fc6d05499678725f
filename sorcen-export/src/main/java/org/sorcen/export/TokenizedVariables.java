package org.sorcen.export;

import java.util.List;
import java.util.function.BiConsumer;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.ModelVariable;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.sorcen.graph.train.CheckpointOps;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;

/**
 * The variables of a graph that joins a Sorcen model with an image tokenizer (the image encoder and
 * the image generator): both sets declared side by side, each restored from its own checkpoint by
 * {@link #load}. The tokenizer must be the one that made the model's tokens.
 */
public record TokenizedVariables(
    Variables vars, List<ModelVariable> sorcen, List<ModelVariable> tokenizer) {

  /**
   * @param declareSorcen declares the Sorcen part (encoder or generator variables)
   */
  static TokenizedVariables declare(
      Ops tf,
      SorcenConfig config,
      ImageTokenizer tokenizer,
      BiConsumer<Variables, SorcenConfig> declareSorcen) {
    tokenizer.requireFits(config.model);
    Variables vars = new Variables(tf);
    declareSorcen.accept(vars, config);
    List<ModelVariable> sorcen = vars.all();
    tokenizer.declare(vars);
    List<ModelVariable> tok = vars.all().subList(sorcen.size(), vars.all().size());
    return new TokenizedVariables(vars, sorcen, tok);
  }

  /** One op that restores the Sorcen part from {@code sorcenPrefix} and the tokenizer's from its own. */
  public Op load(Ops tf, String sorcenPrefix, String tokenizerPrefix) {
    return tf.withControlDependencies(
            List.of(
                CheckpointOps.restoreFrom(tf.withSubScope("load_sorcen"), sorcen, sorcenPrefix),
                CheckpointOps.restoreFrom(
                    tf.withSubScope("load_tokenizer"), tokenizer, tokenizerPrefix)))
        .noOp();
  }
}
