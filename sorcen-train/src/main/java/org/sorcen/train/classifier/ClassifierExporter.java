package org.sorcen.train.classifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sorcen.export.ClassifierExport;
import org.sorcen.export.ModelCard;
import org.sorcen.export.SavedModelWriter;
import org.sorcen.graph.classifier.ClassifierConfig;

/**
 * What the exported feature classifier's card says about its training (data, padding, optimizer,
 * result); the SavedModel itself is written by sorcen-export's {@link ClassifierExport}.
 */
public final class ClassifierExporter {
  public static final String TAG = SavedModelWriter.TAG;
  public static final String METADATA = ClassifierExport.METADATA;
  public static final String FORMAT = ClassifierExport.FORMAT;
  public static final String PURPOSE =
      "Feature space for a Fréchet distance (FD) and an Inception-score analogue "
          + "on Fashion-MNIST-like images. This is NOT ImageNet-Inception FID: figures are comparable only with "
          + "figures from this same classifier.";

  /** What the card records beyond the config: the data, the run and its result. */
  public record Card(
      ClassifierConfig config,
      ClassifierTrainer.Options options,
      int sourceHeight,
      int sourceWidth,
      List<String> classNames,
      int trainImages,
      int testImages,
      double testAccuracy,
      long steps,
      double seconds) {}

  private ClassifierExporter() {}

  /**
   * Restores {@code checkpoint} into an inference graph and writes the SavedModel to {@code out}.
   * An existing {@code out} is refused unless {@code replace}; then it is swapped out only after
   * the new model is complete.
   */
  public static void export(Path checkpoint, Card card, Path out, boolean replace) {
    if (!replace && Files.exists(out)) {
      throw new IllegalArgumentException(
          out + " exists: choose another --out, or pass --replace to overwrite it");
    }
    ClassifierExport.write(card.config(), checkpoint, describe(card), out, replace);
  }

  private static ObjectNode describe(Card c) {
    ClassifierConfig cfg = c.config();
    ObjectNode root = ModelCard.create(FORMAT);
    root.put("purpose", PURPOSE);
    root.put("image_size", cfg.imageSize());
    root.put("channels", cfg.channels());
    ObjectNode padding = root.putObject("padding");
    padding.put("from", c.sourceHeight() + "x" + c.sourceWidth());
    padding.put("top", (cfg.imageSize() - c.sourceHeight()) / 2);
    padding.put("left", (cfg.imageSize() - c.sourceWidth()) / 2);
    padding.put("rule", "zeros, image centred: the tokenizer's rule (ImagePadding.centred)");
    root.put("num_classes", cfg.numClasses());
    root.set("class_names", ModelCard.json().valueToTree(c.classNames()));
    root.put("feature_dim", cfg.featureDim());
    root.set("conv_widths", ModelCard.json().valueToTree(cfg.convWidths()));
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
    return root;
  }
}
