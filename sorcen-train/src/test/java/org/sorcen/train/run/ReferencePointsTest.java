package org.sorcen.train.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.data.SourceImages;
import org.sorcen.train.data.TokenArrays;
import org.sorcen.train.data.TokenDataset;
import org.sorcen.train.data.TokenDatasetWriter;
import org.sorcen.train.data.importers.IdxWriter;
import org.sorcen.train.eval.CosineKnn;
import org.sorcen.train.eval.Representations;
import org.sorcen.train.pretrain.JobConfig;
import org.sorcen.train.pretrain.ReferencePoints;
import org.sorcen.train.pretrain.Trainer;

/** The k-NN reference points a run starts with: raw pixels of the very rows the ids encode. */
class ReferencePointsTest {
  /** Images whose brightness pattern follows the class, so pixels carry the label. */
  static ImageSet images(int n, int salt) {
    Random r = new Random(salt);
    byte[] px = new byte[n * 16];
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      for (int j = 0; j < 16; j++) {
        px[i * 16 + j] = (byte) ((j % 3 == labels[i] ? 200 : 20) + r.nextInt(40));
      }
    }
    return new ImageSet(n, 4, 4, 1, px, labels, List.of("a", "b", "c"));
  }

  static Path datasetWithImages(Path tmp, int trainImages) {
    Path images = tmp.resolve("images");
    IdxWriter.write(
        images(trainImages, 0),
        images.resolve("train-images-idx3-ubyte"),
        images.resolve("train-labels-idx1-ubyte"));
    IdxWriter.write(
        images(12, 1),
        images.resolve("t10k-images-idx3-ubyte"),
        images.resolve("t10k-labels-idx1-ubyte"));
    Path data = tmp.resolve("tokens");
    TokenArrays train = TrainerTest.rows(48, 0);
    TokenArrays test = TrainerTest.rows(12, 1);
    TokenDatasetWriter.write(
        data,
        4,
        32,
        List.of("a", "b", "c"),
        null,
        List.of(
            new TokenDatasetWriter.SplitRows("train", train),
            new TokenDatasetWriter.SplitRows("test", test)),
        SourceImages.describe(data, images, 0),
        false);
    return data;
  }

  @Test
  void theRunStartsWithTheEncoderAtInitialisationThePixelsAndTheTokenIds(@TempDir Path tmp) {
    Path data = datasetWithImages(tmp, 48);
    assertEquals(
        "../images",
        TokenDataset.open(data).manifest().source.images,
        "recorded relative to the dataset");
    JobConfig c = JobConfig.parse(TrainerTest.CONFIG, "t", Map.of("train.epochs", "1"));
    Trainer.Outcome out = TrainerTest.train(c, data, tmp.resolve("run"));
    Map<String, Double> refs =
        MetricsLog.last(new RunLayout(tmp.resolve("run")).metrics(), ReferencePoints.KIND);

    ImageSet train = images(48, 0);
    ImageSet test = images(12, 1);
    double pixels =
        CosineKnn.accuracy(
            Representations.pixels(train, test, 3), c.eval.knnK, c.eval.knnTemperature);
    assertEquals(pixels, refs.get(ReferencePoints.PIXELS), 1e-12);
    double bag =
        CosineKnn.accuracy(
            Representations.bagOfTokens(TrainerTest.rows(48, 0), TrainerTest.rows(12, 1), 32, 3),
            c.eval.knnK,
            c.eval.knnTemperature);
    assertEquals(bag, refs.get(ReferencePoints.BAG), 1e-12);
    assertTrue(
        refs.get(ReferencePoints.INIT) >= 0 && refs.get(ReferencePoints.INIT) <= 1,
        refs.toString());
    assertEquals(refs.get(ReferencePoints.PIXELS), out.evaluation().get(ReferencePoints.PIXELS));

    String line = ReferencePoints.summary(refs, out.evaluation());
    assertTrue(
        line.startsWith("k-NN top-1: trained ")
            && line.contains("encoder at initialisation")
            && line.contains("raw pixels"),
        line);
  }

  @Test
  void imagesThatDoNotMatchTheRecordsGiveNoPixelFigure(@TempDir Path tmp) {
    Path data = datasetWithImages(tmp, 47);
    String[] why = new String[1];
    assertNull(SourceImages.of(TokenDataset.open(data), why));
    assertTrue(
        why[0].contains("47 images for split 'train' where the dataset has 48 records"), why[0]);
    JobConfig c = JobConfig.parse(TrainerTest.CONFIG, "t", Map.of("train.epochs", "1"));
    TrainerTest.train(c, data, tmp.resolve("run"));
    Map<String, Double> refs =
        MetricsLog.last(new RunLayout(tmp.resolve("run")).metrics(), ReferencePoints.KIND);
    assertFalse(refs.containsKey(ReferencePoints.PIXELS), refs.toString());
    assertTrue(refs.containsKey(ReferencePoints.INIT), refs.toString());
  }
}
