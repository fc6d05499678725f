package org.sorcen.graph.model;

import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.LayerNorm;
import org.sorcen.graph.nn.Linear;
import org.sorcen.graph.nn.MlmHead;
import org.sorcen.graph.nn.ProjectionHead;
import org.sorcen.graph.nn.TokenEmbedding;
import org.sorcen.graph.nn.TransformerBlock;
import org.sorcen.graph.nn.VariableRole;
import org.sorcen.graph.nn.Variables;
import org.tensorflow.ndarray.Shape;

/**
 * Declares every model variable under its official PyTorch name (ALGORITHM.md §9). The MAGE baseline
 * has no teacher, projectors or predictor; the classifier exists when {@code num_classes > 0}.
 */
public final class SorcenVariables {
  public static final String PROJECTOR = "projector.projector";
  public static final String MOMENTUM_PROJECTOR = "momentum_projector.projector";
  public static final String PREDICTOR = "predictor.projector";
  public static final String CLASSIFIER = "classifier";

  private SorcenVariables() {}

  /** Every variable of the training model. */
  public static void declare(Variables vars, SorcenConfig config) {
    declareGenerator(vars, config);
    ModelConfig m = config.model;
    long seed = config.train.seed;
    Initializers init = new Initializers(seed);
    // "copy": the teacher draws its values with its student twin's keys, so it starts equal;
    // "random" (official): the same keys under another seed.
    Initializers teacherInit =
        ("copy".equals(m.teacherInit) ? init : new Initializers(~seed))
            .keyedAs(name -> studentOf(name) != null ? studentOf(name) : name);
    int d = m.embedDim;
    if (config.isSorcen()) {
      for (int i = 0; i < m.depth; i++) {
        TransformerBlock.declare(
            vars,
            teacherInit,
            Encoder.TEACHER_BLOCKS + "." + i,
            d,
            m.mlpHidden(d),
            VariableRole.EMA);
      }
      ProjectionHead.declare(
          vars, init, PROJECTOR, d, m.projectorHiddenDim, m.projectorDim, VariableRole.TRAINABLE);
      ProjectionHead.declare(
          vars,
          teacherInit,
          MOMENTUM_PROJECTOR,
          d,
          m.projectorHiddenDim,
          m.projectorDim,
          config.ema.momentumProjectorTrained()
              ? VariableRole.EMA_AND_TRAINABLE
              : VariableRole.EMA);
      ProjectionHead.declare(
          vars,
          init,
          PREDICTOR,
          m.projectorDim,
          m.predictorHiddenDim,
          m.projectorDim,
          VariableRole.TRAINABLE);
    }
    if (m.numClasses > 0) {
      Linear.declare(
          vars, init, CLASSIFIER + ".0", d, m.classifierHiddenDim, VariableRole.TRAINABLE);
      Linear.declare(
          vars,
          init,
          CLASSIFIER + ".2",
          m.classifierHiddenDim,
          m.numClasses,
          VariableRole.TRAINABLE);
    }
  }

  /** The student encoder: token embedding, blocks, final norm (what an embedding model needs). */
  public static void declareEncoder(Variables vars, SorcenConfig config) {
    ModelConfig m = config.model;
    Initializers init = new Initializers(config.train.seed);
    int d = m.embedDim;
    TokenEmbedding.declare(vars, init, m.vocabSize(), m.seqLen() + 1, d);
    for (int i = 0; i < m.depth; i++) {
      TransformerBlock.declare(
          vars, init, Encoder.STUDENT_BLOCKS + "." + i, d, m.mlpHidden(d), VariableRole.TRAINABLE);
    }
    LayerNorm.declare(vars, Encoder.NORM, d, VariableRole.TRAINABLE);
  }

  /** The encoder plus the decoder and MLM head (what iterative generation needs). */
  public static void declareGenerator(Variables vars, SorcenConfig config) {
    declareEncoder(vars, config);
    ModelConfig m = config.model;
    Initializers init = new Initializers(config.train.seed);
    int d = m.embedDim;
    int dd = m.decoderEmbedDim;
    int positions = m.seqLen() + 1;
    Linear.declare(vars, init, Decoder.EMBED, d, dd, VariableRole.TRAINABLE);
    Shape pos = Shape.of(1, positions, dd);
    vars.create(
        Decoder.POSITIONS, pos, VariableRole.TRAINABLE, init.normal(Decoder.POSITIONS, pos, 0.02));
    for (int i = 0; i < m.decoderDepth; i++) {
      TransformerBlock.declare(
          vars, init, Decoder.BLOCKS + "." + i, dd, m.mlpHidden(dd), VariableRole.TRAINABLE);
    }
    LayerNorm.declare(vars, Decoder.NORM, dd, VariableRole.TRAINABLE);
    MlmHead.declare(vars, init, dd, d, m.vocabSize());
  }

  /** The student twin of an EMA variable, or null when it has none (running statistics). */
  public static String studentOf(String emaName) {
    if (emaName.startsWith(Encoder.TEACHER_BLOCKS + ".")) {
      return Encoder.STUDENT_BLOCKS + emaName.substring(Encoder.TEACHER_BLOCKS.length());
    }
    if (emaName.startsWith(MOMENTUM_PROJECTOR + ".")) {
      return PROJECTOR + emaName.substring(MOMENTUM_PROJECTOR.length());
    }
    return null;
  }
}
