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
 * the image generator): both sets declared side by side, and one op that restores each from its own
 * checkpoint. The tokenizer must be the one that made the model's tokens.
 */
record TokenizedVariables(Variables vars, Op load) {

  /**
   * @param declareSorcen declares the Sorcen part (encoder or generator variables)
   */
  static TokenizedVariables declare(
      Ops tf,
      SorcenConfig config,
      ImageTokenizer tokenizer,
      BiConsumer<Variables, SorcenConfig> declareSorcen,
      String sorcenPrefix,
      String tokenizerPrefix) {
    if (tokenizer.codebookSize() != config.model.codebookSize
        || tokenizer.seqLen() != config.model.seqLen()) {
      throw new IllegalArgumentException(
          "the tokenizer (C = "
              + tokenizer.codebookSize()
              + ", L = "
              + tokenizer.seqLen()
              + ") did not make this model's tokens (C = "
              + config.model.codebookSize
              + ", L = "
              + config.model.seqLen()
              + ")");
    }
    Variables vars = new Variables(tf);
    declareSorcen.accept(vars, config);
    List<ModelVariable> sorcen = vars.all();
    tokenizer.declare(vars);
    List<ModelVariable> tok = vars.all().subList(sorcen.size(), vars.all().size());
    Op load =
        tf.withControlDependencies(
                List.of(
                    CheckpointOps.restoreFrom(tf.withSubScope("load_sorcen"), sorcen, sorcenPrefix),
                    CheckpointOps.restoreFrom(
                        tf.withSubScope("load_tokenizer"), tok, tokenizerPrefix)))
            .noOp();
    return new TokenizedVariables(vars, load);
  }
}
