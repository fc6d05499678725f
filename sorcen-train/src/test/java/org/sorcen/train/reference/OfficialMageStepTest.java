package org.sorcen.train.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.EmaConfig;
import org.sorcen.graph.weights.Safetensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TUint8;

/**
 * Official MAGE's training step from raw images (data/reference/official-mage-one-step-tiny.safetensors,
 * made by tools/official-fixtures/make_mage_fixtures.py from LTH14/mage): main_pretrain.py's
 * RandomResizedCrop + RandomHorizontalFlip + ToTensor on PIL images, the frozen VQGAN's encode inside
 * {@code MaskedGenerativeEncoderViT.forward}, the masked-token loss, AdamW with clipping. Replayed
 * as {@link OfficialOneStepTest} replays Sorcen's: the official crop boxes and flips fed (not
 * drawn), our resize and our VQGAN make the ids inside the step, the official masks fed, dropout
 * off; the ids must equal the official ones and every weight and AdamW moment after the step must
 * match to {@link OneStepReplay#MAX_RELATIVE}.
 */
class OfficialMageStepTest {
  static Path fixture() {
    return ReferenceCheckTest.fixture()
        .getParent()
        .resolve("official-mage-one-step-tiny.safetensors");
  }

  @Test
  void theOfficialMageStepFromRawImagesReplays() {
    Safetensors file = Safetensors.read(fixture());
    JsonNode meta = OneStepReplay.stepMetadata(file);
    assertTrue(meta.get("clipped").asBoolean(), "the step clips: " + meta);
    OneStepReplay.Report step = OneStepReplay.run(fixture(), EmaConfig.TRAINED);
    assertTrue(
        step.rows().stream().anyMatch(r -> r.name().equals("input.tokens")),
        "the ids were made in the step");
    assertTrue(
        step.stepped().stream().noneMatch(n -> n.startsWith("vqgan.") || n.startsWith("encoder.")),
        "the tokenizer is not trained: " + step.stepped());
    OfficialOneStepTest.assertReproduces(fixture());
  }

  /**
   * Our crop of each fed box, resized with PIL's bilinear filter and flipped, against the official
   * transform's output (ToTensor of the PIL crop, times 255: exact on uint8).
   */
  @Test
  void ourCropsOfTheFedBoxesAreThePilCrops() {
    Safetensors file = Safetensors.read(fixture());
    long[] official = file.longs("input.crops");
    try (FixtureImages in = FixtureImages.read(file);
        Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      OnlineImages online = OnlineImages.build(tf, in, "bilinear");
      Operand<TUint8> crops = online.tokenizer().crops(tf, online.images(), online.crops());
      Session.Runner run = s.runner();
      List<Tensor> feeds = online.feed(run, in);
      try (Result r = run.fetch(crops).run()) {
        TUint8 t = (TUint8) r.get(0);
        byte[] ours = new byte[(int) t.shape().size()];
        t.copyTo(DataBuffers.of(ours, false, false));
        assertEquals(official.length, ours.length);
        int differ = 0;
        long worst = 0;
        for (int i = 0; i < ours.length; i++) {
          long d = Math.abs((ours[i] & 0xFF) - official[i]);
          differ += d != 0 ? 1 : 0;
          worst = Math.max(worst, d);
        }
        System.out.printf(
            "crops: %d of %d values differ from PIL's, by at most %d%n",
            differ, ours.length, worst);
        assertEquals(0, differ, "values that differ from the PIL crops (max " + worst + ")");
      } finally {
        feeds.forEach(Tensor::close);
      }
    }
  }
}
