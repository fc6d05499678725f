package org.sorcen.train.tokenizer;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.data.ImageSet;

/** Tiny shapes for tests: 7×7 inputs padded to 8×8, f = 2 (4×4 grid), C = 16, widths 8. */
public final class TinyTokenizer {
  private TinyTokenizer() {}

  public static final String JSON =
      """
      {"name": "tiny", "image_size": 8, "input_height": 7, "input_width": 7, "channels": 1, "downsample": 2,
       "codebook_size": 16, "code_dim": 4, "hidden_channels": [8, 8], "res_blocks": 1,
       "dead_code_threshold": 0.5,
       "optimizer": {"blr": 2e-2, "warmup_epochs": 0.5, "clip_grad_norm": 1.0},
       "train": {"batch_size": 16, "epochs": 10, "seed": 3}}
      """;

  public static TokenizerConfig config(Map<String, String> overrides) {
    return TokenizerConfig.parse(JSON, "tiny", overrides);
  }

  /** {@code n} images of one or two bright rectangles on black, like clothes on Fashion-MNIST's background. */
  public static ImageSet images(int n, long seed) {
    Random r = new Random(seed);
    byte[] px = new byte[n * 49];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 1 + r.nextInt(2); k++) {
        int y0 = r.nextInt(5);
        int x0 = r.nextInt(5);
        int y1 = y0 + 1 + r.nextInt(7 - y0);
        int x1 = x0 + 1 + r.nextInt(7 - x0);
        int v = 80 + r.nextInt(176);
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            px[i * 49 + y * 7 + x] = (byte) v;
          }
        }
      }
    }
    return new ImageSet(n, 7, 7, 1, px, new long[n], List.of());
  }
}
