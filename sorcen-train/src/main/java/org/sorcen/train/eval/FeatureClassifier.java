package org.sorcen.train.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.sorcen.export.ModelCard;
import org.sorcen.train.classifier.ClassifierExporter;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * An exported feature classifier (see {@code classifier-train}): uint8 images of S×S×C to features
 * and class probabilities, in batches. Its features define the Fréchet distance of this project,
 * which is not ImageNet-Inception FID.
 */
public final class FeatureClassifier implements AutoCloseable {
  /** The committed Fashion-MNIST classifier, relative to the repository (resolve it like other defaults). */
  public static final Path DEFAULT_DIR = Path.of("savedmodels/classifier-fashion-mnist/1");

  /** Images per call: large enough to keep both cores busy, small enough for little memory. */
  public static final int BATCH = 500;

  /** Row i of each array belongs to image i. */
  public record Outputs(float[][] features, float[][] probabilities) {}

  private final SavedModelBundle bundle;
  private final SessionFunction serving;
  private final int imageSize;
  private final int channels;
  private final int featureDim;
  private final int numClasses;

  private FeatureClassifier(SavedModelBundle bundle, JsonNode card) {
    this.bundle = bundle;
    this.serving = bundle.function(Signature.DEFAULT_KEY);
    this.imageSize = card.get("image_size").asInt();
    this.channels = card.get("channels").asInt();
    this.featureDim = card.get("feature_dim").asInt();
    this.numClasses = card.get("num_classes").asInt();
  }

  public static FeatureClassifier load(Path dir) {
    Path meta = dir.resolve(ClassifierExporter.METADATA);
    JsonNode card =
        ModelCard.read(
            dir,
            ClassifierExporter.METADATA,
            () ->
                new DataException(
                    dir
                        + " is not a feature classifier SavedModel: "
                        + ClassifierExporter.METADATA
                        + " is missing (make one with ./sorcen classifier-train)"));
    if (!ClassifierExporter.FORMAT.equals(card.path("format").asText())) {
      throw new DataException(
          meta
              + ": format '"
              + card.path("format").asText()
              + "', expected "
              + ClassifierExporter.FORMAT);
    }
    return new FeatureClassifier(
        SavedModelBundle.load(dir.toString(), ClassifierExporter.TAG), card);
  }

  public Outputs run(ImageSet images) {
    checkShape(images);
    int size = images.imageSize();
    float[][] features = new float[images.count()][];
    float[][] probabilities = new float[images.count()][];
    for (int from = 0; from < images.count(); from += BATCH) {
      int n = Math.min(BATCH, images.count() - from);
      byte[] chunk = new byte[n * size];
      System.arraycopy(images.pixels(), from * size, chunk, 0, chunk.length);
      try (TUint8 in =
              TUint8.tensorOf(
                  Shape.of(n, imageSize, imageSize, channels), DataBuffers.of(chunk, true, false));
          Result r = serving.call(Map.of("images", in))) {
        rows((TFloat32) r.get("features").orElseThrow(), features, from, n, featureDim);
        rows((TFloat32) r.get("probabilities").orElseThrow(), probabilities, from, n, numClasses);
      }
    }
    return new Outputs(features, probabilities);
  }

  public float[][] features(ImageSet images) {
    return run(images).features();
  }

  public float[][] probabilities(ImageSet images) {
    return run(images).probabilities();
  }

  public int imageSize() {
    return imageSize;
  }

  public int channels() {
    return channels;
  }

  public int featureDim() {
    return featureDim;
  }

  private void checkShape(ImageSet images) {
    if (images.height() != imageSize
        || images.width() != imageSize
        || images.channels() != channels) {
      throw new DataException(
          "images are "
              + images.height()
              + "x"
              + images.width()
              + "x"
              + images.channels()
              + " but the feature classifier takes "
              + imageSize
              + "x"
              + imageSize
              + "x"
              + channels
              + (images.channels() == channels
                      && images.height() <= imageSize
                      && images.width() <= imageSize
                  ? ": pad them first with ImagePadding.centred(images, "
                      + imageSize
                      + "), the tokenizer's padding"
                  : ""));
    }
    if (images.count() < 1) {
      throw new DataException("no images to classify");
    }
  }

  private static void rows(TFloat32 t, float[][] out, int from, int n, int width) {
    float[] flat = new float[n * width];
    t.copyTo(DataBuffers.of(flat, false, false));
    for (int i = 0; i < n; i++) {
      out[from + i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
    }
  }

  @Override
  public void close() {
    bundle.close();
  }
}
