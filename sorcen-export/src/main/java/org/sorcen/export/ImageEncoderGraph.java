package org.sorcen.export;

import org.sorcen.graph.config.SorcenConfig;
import org.sorcen.graph.model.SorcenVariables;
import org.sorcen.graph.nn.Precision;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.sorcen.graph.train.CheckpointOps;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Pixels straight to embeddings: the tokenizer's encoder followed by the Sorcen encoder, in one graph
 * whose variables come from two checkpoints ({@link TokenizedVariables#load}, run once before export;
 * the SavedModel then holds them all). {@code images} uint8 [-1, H, W, C] → {@code ids} → {@code
 * embedding}; and {@code encoded} JPEG/PNG strings [-1] → the same, through {@link EvalTransform};
 * {@code pixel_images} uint8 [-1, -1, -1, C] of any one size → the same, through EvalTransform's steps
 * after decoding (so callers holding decoded pixels need not encode them). Both the tokenizer's
 * encoder and the Sorcen encoder run in the config's compute dtype. The graph the {@code
 * sorcen-image-encoder} SavedModel serves, and the one its benchmark times.
 */
public record ImageEncoderGraph(
    Placeholder<TUint8> images,
    Operand<TInt64> ids,
    Operand<TFloat32> embedding,
    Placeholder<TString> encoded,
    Operand<TFloat32> bytesEmbedding,
    Placeholder<TUint8> anySize,
    Operand<TFloat32> anySizeEmbedding,
    TokenizedVariables variables) {

  /**
   * Builds the graph on {@code tf} with the variables declared but not loaded; refuses a tokenizer
   * that did not make the model's tokens ({@link ImageTokenizer#requireFits}).
   */
  public static ImageEncoderGraph build(Ops tf, SorcenConfig config, ImageTokenizer tokenizer) {
    TokenizedVariables joined =
        TokenizedVariables.declare(tf, config, tokenizer, SorcenVariables::declareEncoder);
    Variables vars = joined.vars();

    int h = tokenizer.inputHeight();
    int w = tokenizer.inputWidth();
    int c = tokenizer.channels();
    Placeholder<TUint8> images =
        tf.withName("images").placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, h, w, c)));
    Placeholder<TString> encoded =
        tf.withName("encoded_images").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
    Operand<TUint8> decoded =
        EvalTransform.batch(
            tf.withSubScope("eval_transform"),
            encoded,
            h,
            w,
            c,
            tokenizer.resizesInputSizedImages());
    Placeholder<TUint8> anySize =
        tf.withName("pixel_images")
            .placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, -1, -1, c)));
    Operand<TUint8> transformed =
        EvalTransform.pixels(
            tf.withSubScope("pixel_transform"),
            anySize,
            h,
            w,
            c,
            tokenizer.resizesInputSizedImages());
    Operand<TInt64> ids = encode(tf, vars, config, tokenizer, images);
    Operand<TFloat32> fromPixels = EncoderGraph.embedding(tf, vars::read, config, ids);
    Operand<TFloat32> fromBytes =
        EncoderGraph.embedding(
            tf, vars::read, config, encode(tf, vars, config, tokenizer, decoded));
    Operand<TFloat32> fromAnySize =
        EncoderGraph.embedding(
            tf, vars::read, config, encode(tf, vars, config, tokenizer, transformed));
    CheckpointOps.build(tf, vars);
    return new ImageEncoderGraph(
        images,
        ids,
        tf.withName("embedding").identity(fromPixels),
        encoded,
        tf.withName("bytes_embedding").identity(fromBytes),
        anySize,
        tf.withName("pixels_embedding").identity(fromAnySize),
        joined);
  }

  private static Operand<TInt64> encode(
      Ops tf,
      Variables vars,
      SorcenConfig config,
      ImageTokenizer tokenizer,
      Operand<TUint8> images) {
    return tokenizer.encode(tf, vars::read, images, Precision.of(config.model.computeDtype));
  }
}
