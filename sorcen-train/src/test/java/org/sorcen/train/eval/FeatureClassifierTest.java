package org.sorcen.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.classifier.ClassifierExporter;
import org.sorcen.train.data.DataException;
import org.sorcen.train.data.ImageSet;

/** Train → SavedModel → FeatureClassifier gives what the training session gave. */
class FeatureClassifierTest {
  @Test
  void exportedClassifierMatchesTheTrainingSession(@TempDir Path dir) throws Exception {
    ImageSet probe = TinyClassifier.squares(FeatureClassifier.BATCH + 7, 9);
    Path model = dir.resolve("classifier");
    float[][] expected = TinyClassifier.trainAndExport(model, probe);

    try (FeatureClassifier c = FeatureClassifier.load(model)) {
      FeatureClassifier.Outputs out = c.run(probe);
      assertEquals(probe.count(), out.probabilities().length);
      for (int i = 0; i < probe.count(); i++) {
        for (int k = 0; k < TinyClassifier.CLASSES; k++) {
          assertEquals(
              expected[i][k], out.probabilities()[i][k], 1e-5, "image " + i + " class " + k);
        }
      }
      assertEquals(TinyClassifier.CONFIG.featureDim(), out.features()[0].length);
      int right = 0;
      for (int i = 0; i < probe.count(); i++) {
        right += argMax(out.probabilities()[i]) == probe.labels()[i] ? 1 : 0;
      }
      assertTrue(right >= 0.9 * probe.count(), "accuracy " + right + "/" + probe.count());

      ImageSet small = new ImageSet(1, 7, 7, 1, new byte[49], new long[1], List.of());
      DataException e = assertThrows(DataException.class, () -> c.features(small));
      assertTrue(e.getMessage().contains("ImagePadding.centred"), e.getMessage());
    }
    assertTrue(
        Files.readString(model.resolve(ClassifierExporter.METADATA))
            .contains("NOT ImageNet-Inception FID"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ClassifierExporter.export(dir.resolve("x"), null, model, false),
        "an existing model is never overwritten without replace");
  }

  private static int argMax(float[] p) {
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      best = p[k] > p[best] ? k : best;
    }
    return best;
  }
}
