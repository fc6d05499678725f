package org.sorcen.train.classifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.sorcen.graph.classifier.ClassifierConfig;
import org.sorcen.graph.classifier.ClassifierModel;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.train.CheckpointOps;
import org.sorcen.train.data.Directories;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TUint8;

/**
 * Exports a trained feature classifier as a SavedModel (tag {@code serve}), signature
 * {@code serving_default}: images uint8 [-1, S, S, C] → features float [-1, F] and probabilities
 * float [-1, K]. The graph is built afresh with the model's variables only and restored from the
 * training checkpoint by name, so no optimizer state ships. {@code assets.extra/classifier.json}
 * says what it is and how it was made. The directory is written under a temporary name and renamed
 * into place.
 */
public final class ClassifierExporter {
  public static final String TAG = "serve";
  public static final String METADATA = "assets.extra/classifier.json";
  public static final String FORMAT = "sorcen-classifier/1";
  public static final String PURPOSE = "Feature space for a Fréchet distance (FD) and an Inception-score analogue "
      + "on Fashion-MNIST-like images. This is NOT ImageNet-Inception FID: figures are comparable only with "
      + "figures from this same classifier.";

  /** What the card records beyond the config: the data, the run and its result. */
  public record Card(ClassifierConfig config, ClassifierTrainer.Options options, int sourceHeight, int sourceWidth,
      List<String> classNames, int trainImages, int testImages, double testAccuracy, long steps, double seconds) {}

  private ClassifierExporter() {}

  /**
   * Restores {@code checkpoint} into an inference graph and writes the SavedModel to {@code out}.
   * An existing {@code out} is refused unless {@code replace}; then it is swapped out only after
   * the new model is complete.
   */
  public static void export(Path checkpoint, Card card, Path out, boolean replace) {
    Path target = out.toAbsolutePath();
    if (Files.exists(target) && !replace) {
      throw new IllegalArgumentException(out + " exists: choose another --out, or pass --replace to overwrite it");
    }
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    Path old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(target.getParent());
      if (Files.exists(tmp)) {
        Directories.deleteTree(tmp);
      }
      writeSavedModel(card.config(), checkpoint, tmp);
      writeCard(card, tmp.resolve(METADATA));
      if (Files.exists(target)) {
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Directories.deleteTree(old);
      } else {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
    }
  }

  private static void writeSavedModel(ClassifierConfig cfg, Path checkpoint, Path dir) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variables vars = new Variables(tf);
      ClassifierModel.declare(vars, cfg);
      Placeholder<TUint8> images = tf.withName("images").placeholder(TUint8.class,
          Placeholder.shape(Shape.of(-1, cfg.imageSize(), cfg.imageSize(), cfg.channels())));
      ClassifierModel.Outputs out = ClassifierModel.forward(tf, vars::read, cfg, images);
      var features = tf.withName("features").identity(out.features());
      var probabilities = tf.withName("probabilities").identity(out.probabilities());
      CheckpointOps.build(tf, vars);
      try (Session s = new Session(g)) {
        s.restore(checkpoint.toString());
        Signature serving = Signature.builder().key(Signature.DEFAULT_KEY).input("images", images)
            .output("features", features).output("probabilities", probabilities).build();
        SavedModelBundle.exporter(dir.toString()).withTags(TAG).withFunction(SessionFunction.create(serving, s))
            .export();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot export to " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void writeCard(Card c, Path file) throws IOException {
    ClassifierConfig cfg = c.config();
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("format", FORMAT);
    root.put("purpose", PURPOSE);
    root.put("image_size", cfg.imageSize());
    root.put("channels", cfg.channels());
    ObjectNode padding = root.putObject("padding");
    padding.put("from", c.sourceHeight() + "x" + c.sourceWidth());
    padding.put("top", (cfg.imageSize() - c.sourceHeight()) / 2);
    padding.put("left", (cfg.imageSize() - c.sourceWidth()) / 2);
    padding.put("rule", "zeros, image centred: the tokenizer's rule (ImagePadding.centred)");
    root.put("num_classes", cfg.numClasses());
    root.set("class_names", json.valueToTree(c.classNames()));
    root.put("feature_dim", cfg.featureDim());
    root.set("conv_widths", json.valueToTree(cfg.convWidths()));
    root.put("seed", cfg.seed());
    root.put("epochs", c.options().epochs());
    root.put("batch_size", c.options().batchSize());
    root.put("peak_lr", c.options().optimizer().peakLr(c.options().batchSize()));
    root.put("weight_decay", c.options().optimizer().weightDecay);
    root.put("train_images", c.trainImages());
    root.put("test_images", c.testImages());
    root.put("test_accuracy", c.testAccuracy());
    root.put("training_steps", c.steps());
    root.put("training_seconds", Math.round(c.seconds() * 10) / 10.0);
    Files.createDirectories(file.getParent());
    Files.writeString(file, json.writeValueAsString(root) + "\n");
  }
}
