package org.sorcen.graph.tokenizer;

import org.sorcen.graph.config.ConfigLoader;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/** The project's own VQ tokenizer ({@code tokenizer-train}) as an {@link ImageTokenizer}. */
public record VqTokenizer(TokenizerConfig config) implements ImageTokenizer {
  public static final String KIND = "sorcen-vq";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int inputHeight() {
    return config.inputHeight;
  }

  @Override
  public int inputWidth() {
    return config.inputWidth;
  }

  @Override
  public int channels() {
    return config.channels;
  }

  @Override
  public int outputSize() {
    return config.imageSize;
  }

  @Override
  public int seqLen() {
    return config.seqLen();
  }

  @Override
  public int codebookSize() {
    return config.codebookSize;
  }

  @Override
  public String configJson() {
    return ConfigLoader.toJson(config);
  }

  @Override
  public void declare(Variables vars) {
    TokenizerModel.declare(vars, config, false);
  }

  @Override
  public Operand<TInt64> encode(Ops tf, WeightSource w, Operand<TUint8> images) {
    return TokenizerInference.encode(tf, w, config, images);
  }

  @Override
  public Operand<TUint8> decode(Ops tf, WeightSource w, Operand<TInt64> ids) {
    return TokenizerInference.decode(tf, w, config, ids);
  }
}
