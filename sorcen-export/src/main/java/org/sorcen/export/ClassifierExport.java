package org.sorcen.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.sorcen.export.io.AtomicFiles;
import org.sorcen.graph.classifier.ClassifierConfig;
import org.sorcen.graph.classifier.ClassifierModel;
import org.sorcen.graph.nn.Variables;
import org.sorcen.graph.train.CheckpointOps;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TUint8;

/**
 * A trained feature classifier as a SavedModel, signature {@code serving_default}: images uint8
 * [-1, S, S, C] → features float [-1, F] and probabilities float [-1, K], built afresh with the
 * model's variables only and restored from the training checkpoint by name.
 * {@code assets.extra/classifier.json} says what it is and how it was made.
 */
public final class ClassifierExport {
  public static final String METADATA = "assets.extra/classifier.json";
  public static final String FORMAT = "sorcen-classifier/1";

  private ClassifierExport() {}

  /**
   * Writes the SavedModel and {@code card} (its {@code format} set here) to {@code out}, whole; an
   * existing {@code out} is refused unless {@code replace}, then swapped out once the new one is
   * complete.
   */
  public static void write(
      ClassifierConfig cfg, Path checkpointPrefix, ObjectNode card, Path out, boolean replace) {
    AtomicFiles.writeDirectory(
        out,
        replace,
        dir -> {
          SavedModelWriter.write(
              dir,
              tf -> {
                Variables vars = new Variables(tf);
                ClassifierModel.declare(vars, cfg);
                Placeholder<TUint8> images =
                    tf.withName("images")
                        .placeholder(
                            TUint8.class,
                            Placeholder.shape(
                                Shape.of(-1, cfg.imageSize(), cfg.imageSize(), cfg.channels())));
                ClassifierModel.Outputs o = ClassifierModel.forward(tf, vars::read, cfg, images);
                var features = tf.withName("features").identity(o.features());
                var probabilities = tf.withName("probabilities").identity(o.probabilities());
                CheckpointOps.build(tf, vars);
                return SavedModelWriter.Built.restoring(
                    List.of(
                        Signature.builder()
                            .key(Signature.DEFAULT_KEY)
                            .input("images", images)
                            .output("features", features)
                            .output("probabilities", probabilities)
                            .build()),
                    checkpointPrefix);
              });
          ObjectNode full = ModelCard.create(FORMAT);
          full.setAll(card);
          full.put("format", FORMAT);
          ModelCard.write(dir, METADATA, full);
        });
  }
}
