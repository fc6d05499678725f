package org.sorcen.graph.tokenizer;

import org.sorcen.graph.config.ModelConfig;
import org.sorcen.graph.nn.Precision;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * An image tokenizer as graph builders, whatever its architecture: our own VQ tokenizer
 * ({@link VqTokenizer}) or MAGE's VQGAN. Everything that turns images into ids or ids into images —
 * the tokenizer SavedModel, the image encoder, the image generator — goes through this, so a new
 * tokenizer needs only a new implementation. Encode and decode have a dynamic batch axis.
 */
public interface ImageTokenizer {
  /** The name recorded in a tokenizer SavedModel's {@code tokenizer.json} ({@link ImageTokenizers}). */
  String kind();

  /** Encode's input height, width and channels (uint8). */
  int inputHeight();

  int inputWidth();

  int channels();

  /** Decode's output side (square). */
  int outputSize();

  /** Ids per image, row-major over the grid. */
  int seqLen();

  int codebookSize();

  /**
   * Whether the image encoder's evaluation transform resizes an image that already has the input
   * size. The official evaluation of the VQGAN models always does (Resize(292), CenterCrop(256), so a
   * 256² image is enlarged and cropped back); our own tokenizers' tokens were made from images of
   * the input size taken as they are, so for them such an image passes unchanged.
   */
  default boolean resizesInputSizedImages() {
    return false;
  }

  /**
   * Refuses a model that does not read this tokenizer's ids (another codebook size or sequence
   * length) with an IllegalArgumentException naming both.
   */
  default void requireFits(ModelConfig model) {
    if (codebookSize() != model.codebookSize || seqLen() != model.seqLen()) {
      throw new IllegalArgumentException(
          "the tokenizer (C = "
              + codebookSize()
              + ", L = "
              + seqLen()
              + ") did not make this model's tokens (C = "
              + model.codebookSize
              + ", L = "
              + model.seqLen()
              + ")");
    }
  }

  /** The side of the square grid of ids. */
  default int grid() {
    return (int) Math.round(Math.sqrt(seqLen()));
  }

  /** The config as JSON, as {@link ImageTokenizers#parse} reads it back. */
  String configJson();

  /** Declares the inference variables (encoder, quantizer, decoder) under their checkpoint names. */
  void declare(Variables vars);

  /** uint8 [B, H_in, W_in, C] → int64 [B, L]. */
  Operand<TInt64> encode(Ops tf, WeightSource w, Operand<TUint8> images);

  /**
   * Encode with the products in the model's compute dtype where the tokenizer supports it (MAGE's
   * VQGAN: its convolutions); the tokenizer SavedModel itself is always float32.
   */
  default Operand<TInt64> encode(
      Ops tf, WeightSource w, Operand<TUint8> images, Precision precision) {
    return encode(tf, w, images);
  }

  /** int64 [B, L] in [0, C) → uint8 [B, S, S, C]. */
  Operand<TUint8> decode(Ops tf, WeightSource w, Operand<TInt64> ids);
}
