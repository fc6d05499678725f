package org.sorcen.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.tokenizer.TokenizerConfig;

class ImagePaddingTest {
  /** 28×28 → 32×32 puts pixel (0, 0) where the tokenizer puts it: at (padTop, padLeft) = (2, 2). */
  @Test
  void padsLikeTheTokenizer() {
    TokenizerConfig cfg = TokenizerConfig.parse("{}", "defaults", Map.of());
    byte[] px = new byte[2 * 28 * 28];
    px[0] = 1;
    px[28 * 28 + 27 * 28 + 27] = 2;
    ImageSet padded =
        ImagePadding.centred(
            new ImageSet(2, 28, 28, 1, px, new long[] {3, 4}, List.of()), cfg.imageSize);
    assertEquals(32, padded.height());
    assertEquals(1, padded.pixels()[cfg.padTop() * 32 + cfg.padLeft()]);
    assertEquals(2, padded.pixels()[32 * 32 + (cfg.padTop() + 27) * 32 + cfg.padLeft() + 27]);
    int sum = 0;
    for (byte b : padded.pixels()) {
      sum += b;
    }
    assertEquals(3, sum, "everything else is zero");
    assertEquals(4, padded.labels()[1]);
  }
}
