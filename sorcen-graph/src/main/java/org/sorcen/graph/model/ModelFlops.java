package org.sorcen.graph.model;

import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.config.SorcenConfig;

/**
 * Analytic model FLOPs of one training sample (2 per multiply-add, matrix products only: the
 * usual "model FLOPs" convention). Trained paths count forward + backward (3× forward); the teacher
 * and the momentum projector only forward. Elementwise ops, norms and softmax are left out. The
 * MLM head counts the logits the step computes (grid positions × codebook, {@code MlmHead.gridLogits}),
 * not the official head's full vocabulary, whose other columns nothing reads.
 */
public final class ModelFlops {
  private ModelFlops() {}

  /** Forward FLOPs of one transformer block over n tokens of width d. */
  static double block(double n, double d, double mlpHidden) {
    double projections = 2 * n * d * (3 * d) + 2 * n * d * d;
    double attention = 2 * 2 * n * n * d;
    double mlp = 2 * 2 * n * d * mlpHidden;
    return projections + attention + mlp;
  }

  static double head(double in, double hidden, double out) {
    return 2 * in * hidden + 2 * hidden * out;
  }

  /** Training FLOPs per sample for one step. */
  public static double trainingPerSample(SorcenConfig config) {
    ModelConfig m = config.model;
    int seqLen = m.seqLen();
    double kept = 1 + seqLen - config.masking.numDropped(seqLen);
    double full = seqLen + 1;
    double d = m.embedDim;
    double dd = m.decoderEmbedDim;
    double student = m.depth * block(kept, d, m.mlpHidden(m.embedDim));
    double decoder =
        2 * kept * d * dd
            + m.decoderDepth * block(full, dd, m.mlpHidden(m.decoderEmbedDim))
            + 2 * full * dd * d
            + 2 * seqLen * d * m.codebookSize;
    double trained = student + decoder;
    double forwardOnly = 0;
    if (config.isSorcen()) {
      trained +=
          head(d, m.projectorHiddenDim, m.projectorDim)
              + head(m.projectorDim, m.predictorHiddenDim, m.projectorDim);
      forwardOnly +=
          m.depth * block(full, d, m.mlpHidden(m.embedDim))
              + head(d, m.projectorHiddenDim, m.projectorDim);
    }
    if (m.numClasses > 0) {
      trained += head(d, m.classifierHiddenDim, m.numClasses);
    }
    return 3 * trained + forwardOnly;
  }
}
