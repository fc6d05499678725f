package org.sorcen.graph.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sorcen.graph.augment.CropBoxes;
import org.sorcen.graph.augment.ResizedCrop;
import org.sorcen.graph.vqgan.VqganConfig;
import org.sorcen.graph.vqgan.VqganTokenizer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * Grey images for a colour tokenizer (Fashion-MNIST for MAGE's VQGAN): the crops it sees are the
 * grey crops with their channel repeated, as torchvision's ImageFolder loader converts grey images to
 * RGB before the official transforms.
 */
class OnlineTokensTest {
  /** A VQGAN of 8×8 RGB input: only its input shape matters here. */
  static final String TINY =
      "{\"embed_dim\": 8, \"n_embed\": 16, \"ddconfig\": {\"z_channels\": 8, \"resolution\": 8,"
          + " \"ch\": 32, \"ch_mult\": [1, 1], \"num_res_blocks\": 1}}";

  static final int B = 3;
  static final int H = 11;
  static final int W = 9;

  @Test
  void greyCropsAreRepeatedIntoTheColourTokenizersThreeChannels() {
    byte[] grey = new byte[B * H * W];
    new java.util.Random(3).nextBytes(grey);
    // A shrinking box, an enlarging one (flipped) and the whole image.
    int[] boxes = {1, 2, 9, 6, 3, 1, 5, 4, 0, 0, H, W};
    boolean[] flips = {false, true, false};
    try (Graph g = new Graph();
        Session s = new Session(g);
        TUint8 img = TUint8.tensorOf(Shape.of(B, H, W, 1), DataBuffers.of(grey, true, false));
        TInt32 box = TInt32.tensorOf(Shape.of(B, 4), DataBuffers.of(boxes, true, false));
        TBool flip = TBool.tensorOf(Shape.of(B), DataBuffers.of(flips, true, false))) {
      Ops tf = Ops.create(g);
      VqganTokenizer vqgan = new VqganTokenizer(VqganConfig.parse(TINY, "test"));
      OnlineTokens online = OnlineTokens.declare(tf, vqgan, ResizedCrop.Filter.BILINEAR);
      var images =
          tf.placeholder(
              TUint8.class, org.tensorflow.op.core.Placeholder.shape(Shape.of(-1, H, W, 1)));
      CropBoxes crops = new CropBoxes(tf.constant(box), tf.constant(flip));
      Operand<TUint8> colour = online.crops(tf, images, crops);
      Operand<TUint8> plain =
          ResizedCrop.apply(tf, images, crops, 8, 8, ResizedCrop.Filter.BILINEAR);
      try (Result r = s.runner().feed(images, img).fetch(colour).fetch(plain).run()) {
        TUint8 c = (TUint8) r.get(0);
        TUint8 p = (TUint8) r.get(1);
        assertArrayEquals(new long[] {B, 8, 8, 3}, c.shape().asArray());
        byte[] cs = new byte[(int) c.shape().size()];
        byte[] ps = new byte[(int) p.shape().size()];
        c.copyTo(DataBuffers.of(cs, false, false));
        p.copyTo(DataBuffers.of(ps, false, false));
        int distinct =
            (int) java.util.stream.IntStream.range(0, ps.length).map(i -> ps[i]).distinct().count();
        assertEquals(true, distinct > 20, "the crops are not a constant: " + distinct + " values");
        for (int i = 0; i < ps.length; i++) {
          for (int ch = 0; ch < 3; ch++) {
            assertEquals(ps[i], cs[3 * i + ch], "pixel " + i + ", channel " + ch);
          }
        }
      }
    }
  }

  @Test
  void imagesOfAnotherChannelCountThanOneOrTheTokenizersAreRefusedNamingBoth() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      OnlineTokens online =
          OnlineTokens.declare(
              tf, new VqganTokenizer(VqganConfig.parse(TINY, "test")), ResizedCrop.Filter.BILINEAR);
      var images =
          tf.placeholder(
              TUint8.class, org.tensorflow.op.core.Placeholder.shape(Shape.of(-1, H, W, 2)));
      CropBoxes crops =
          new CropBoxes(
              tf.constant(new int[][] {{0, 0, H, W}}), tf.constant(new boolean[] {false}));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> online.crops(tf, images, crops));
      assertEquals(
          "the images have 2 channels but the tokenizer takes 3: give grey images (1 channel) or"
              + " images with 3",
          e.getMessage());
    }
  }
}
