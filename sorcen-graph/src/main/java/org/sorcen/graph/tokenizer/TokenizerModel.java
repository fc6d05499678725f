package org.sorcen.graph.tokenizer;

import org.sorcen.graph.nn.Initializers;
import org.sorcen.graph.nn.Variables;

/**
 * Declares the tokenizer's variables: encoder, decoder and codebook for inference, plus the
 * codebook's EMA statistics for training. Names are shared, so an inference graph restores from a
 * training checkpoint (RestoreV2 reads only the names it asks for).
 */
public final class TokenizerModel {
  private TokenizerModel() {}

  public static void declare(Variables vars, TokenizerConfig cfg, boolean training) {
    Initializers init = new Initializers(cfg.train.seed);
    ConvEncoder.declare(vars, init, cfg);
    EmaCodebook.declareEmbedding(vars, init, cfg);
    ConvDecoder.declare(vars, init, cfg);
    if (training) {
      EmaCodebook.declareStatistics(vars, cfg);
    }
  }
}
