package org.sorcen.graph.vqgan;

import org.sorcen.graph.nn.Precision;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.nn.WeightSource;
import org.sorcen.graph.tokenizer.ImageTokenizer;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * MAGE's VQGAN tokenizer ({@code taming.models.vqgan.VQModel} of LTH14/mage with
 * {@code config/vqgan.yaml}) as an {@link ImageTokenizer} of kind {@value #KIND}: encode is
 * {@code VQModel.encode}'s ids, decode is {@code quantize.get_codebook_entry} then
 * {@code VQModel.decode}, each with MAGE's pixel conventions ({@link VqganPixels}). Images are NHWC
 * RGB; the batch axis is dynamic.
 *
 * <p>Variables carry the official state_dict names ({@code encoder.down.0.block.0.norm1.weight},
 * {@code quantize.embedding.weight}, ...). Conv kernels are stored in TensorFlow's HWIO layout
 * ({@code [kh, kw, in, out]}), the transpose of the official OIHW; norms, biases and the codebook
 * keep the official layout. MAGE's VQModel has no {@code quant_conv} / {@code post_quant_conv}: the
 * encoder's output is quantized as it is, and the codes go straight to the decoder.
 */
public record VqganTokenizer(VqganConfig config) implements ImageTokenizer {
  public static final String KIND = "vqgan";

  @Override
  public String kind() {
    return KIND;
  }

  /** The official linear-probe transform resizes every image, whatever its size. */
  @Override
  public boolean resizesInputSizedImages() {
    return true;
  }

  @Override
  public int inputHeight() {
    return config.ddconfig.resolution;
  }

  @Override
  public int inputWidth() {
    return config.ddconfig.resolution;
  }

  @Override
  public int channels() {
    return config.ddconfig.inChannels;
  }

  @Override
  public int outputSize() {
    return config.ddconfig.resolution;
  }

  @Override
  public int seqLen() {
    return config.seqLen();
  }

  @Override
  public int codebookSize() {
    return config.nEmbed;
  }

  @Override
  public String configJson() {
    return config.toJson();
  }

  @Override
  public void declare(Variables vars) {
    VqganEncoder.declare(vars, config);
    VqganQuantizer.declare(vars, config);
    VqganDecoder.declare(vars, config);
  }

  @Override
  public Operand<TInt64> encode(Ops tf, WeightSource w, Operand<TUint8> images) {
    return encode(tf, w, images, VqganLayers.FLOAT32);
  }

  /** In bfloat16 the encoder's convolutions are; the nearest-code distances stay float32. */
  @Override
  public Operand<TInt64> encode(
      Ops tf, WeightSource w, Operand<TUint8> images, Precision precision) {
    Operand<TFloat32> z =
        VqganEncoder.apply(tf, precision, w, config, VqganPixels.toInput(tf, images));
    return VqganQuantizer.encode(tf, w, config, z);
  }

  @Override
  public Operand<TUint8> decode(Ops tf, WeightSource w, Operand<TInt64> ids) {
    return VqganPixels.toUint8(
        tf, VqganDecoder.apply(tf, w, config, VqganQuantizer.decode(tf, w, config, ids)));
  }
}
