package org.sorcen.train.data;

import org.sorcen.export.EvalTransform;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TUint8;

/**
 * Images of another size or channel count than a tokenizer's input, made its input as the exported
 * image encoder makes them ({@link EvalTransform}: the official linear-probe resize and centre crop),
 * so that tokens made by {@code ./sorcen tokenize} from such images are the tokens the image encoder
 * computes for them. Grey images given to a colour tokenizer have their one channel repeated, as
 * torchvision's ImageFolder loader does ({@code convert('RGB')}) before the official transforms.
 * Images of the input size pass unchanged apart from that repeat: a tokenizer encodes what it is
 * given, which is what the official fixtures check ({@code VqganImportTest}).
 */
final class TokenizerInput implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final Placeholder<TUint8> in;
  private final Operand<TUint8> out;
  private final int height;
  private final int width;
  private final int channels;

  private TokenizerInput(ImageTokenizer t, int height, int width, int channels) {
    this.height = height;
    this.width = width;
    this.channels = channels;
    Ops tf = Ops.create(graph);
    in = tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, height, width, channels)));
    Operand<TUint8> colour =
        channels == t.channels() ? in : tf.tile(in, tf.constant(new int[] {1, 1, 1, t.channels()}));
    out =
        EvalTransform.pixels(
            tf, colour, t.inputHeight(), t.inputWidth(), t.channels(), t.resizesInputSizedImages());
    session = new Session(graph);
  }

  /** Whether {@code images} need this transform before {@code t} encodes them. */
  static boolean needed(ImageSet images, ImageTokenizer t) {
    return images.height() != t.inputHeight()
        || images.width() != t.inputWidth()
        || images.channels() != t.channels();
  }

  /** The transform for images shaped like {@code images}; refuses colour images for a grey tokenizer. */
  static TokenizerInput of(ImageSet images, ImageTokenizer t) {
    if (images.channels() != t.channels() && images.channels() != 1) {
      throw new DataException(
          "images have "
              + images.channels()
              + " channels but the tokenizer takes "
              + t.channels()
              + ": give grey images (1 channel) or images with "
              + t.channels());
    }
    return new TokenizerInput(t, images.height(), images.width(), images.channels());
  }

  boolean fits(ImageSet images) {
    return images.height() == height && images.width() == width && images.channels() == channels;
  }

  /** {@code n} images (row-major uint8) → the tokenizer's input, row-major uint8 [n, H, W, C]. */
  byte[] apply(byte[] pixels, int n) {
    try (Tensor x =
            TUint8.tensorOf(
                Shape.of(n, height, width, channels), DataBuffers.of(pixels, true, false));
        Result r = session.runner().feed(in, x).fetch(out).run()) {
      TUint8 y = (TUint8) r.get(0);
      byte[] bytes = new byte[Math.toIntExact(y.shape().size())];
      y.copyTo(DataBuffers.of(bytes, false, false));
      return bytes;
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
