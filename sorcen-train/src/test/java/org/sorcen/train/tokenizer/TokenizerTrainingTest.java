package org.sorcen.train.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.tokenizer.TokenizerConfig;
import org.sorcen.train.data.ImageSet;
import org.sorcen.train.session.SessionSettings;

class TokenizerTrainingTest {
  private static List<Map<String, Double>> run(TokenizerConfig cfg, ImageSet data, int steps) {
    List<Map<String, Double>> out = new ArrayList<>();
    int batch = cfg.train.batchSize;
    try (TokenizerTrainingSession s =
        new TokenizerTrainingSession(cfg, data.count() / batch, SessionSettings.defaults())) {
      for (int i = 0; i < steps; i++) {
        int from = (i * batch) % data.count();
        out.add(s.step(Arrays.copyOfRange(data.pixels(), from * 49, (from + batch) * 49)));
      }
    }
    return out;
  }

  private static double mean(List<Map<String, Double>> m, int from, int to, String key) {
    return m.subList(from, to).stream().mapToDouble(x -> x.get(key)).average().orElseThrow();
  }

  @Test
  void aFewDozenStepsReduceTheReconstructionLoss() {
    List<Map<String, Double>> m =
        run(TinyTokenizer.config(Map.of()), TinyTokenizer.images(64, 1), 48);
    double first = mean(m, 0, 4, "reconstruction");
    double last = mean(m, 44, 48, "reconstruction");
    assertTrue(last < 0.3 * first, "reconstruction " + first + " -> " + last);
    assertTrue(mean(m, 44, 48, "psnr") > mean(m, 0, 4, "psnr") + 3);
    assertEquals(
        16.0,
        m.get(0).get("codes_restarted"),
        "every code starts dead and is drawn from the first batch");
    assertEquals(47.0, m.get(47).get("step"));
  }

  @Test
  void sameSeedSameRunAnotherSeedAnotherRun() {
    ImageSet data = TinyTokenizer.images(32, 2);
    List<Map<String, Double>> a = run(TinyTokenizer.config(Map.of()), data, 4);
    List<Map<String, Double>> b = run(TinyTokenizer.config(Map.of()), data, 4);
    List<Map<String, Double>> c = run(TinyTokenizer.config(Map.of("train.seed", "4")), data, 4);
    assertEquals(a, b);
    assertNotEquals(a.get(3).get("loss"), c.get(3).get("loss"));
  }

  @Test
  void aBatchOfTheWrongSizeIsRefused() {
    try (TokenizerTrainingSession s =
        new TokenizerTrainingSession(
            TinyTokenizer.config(Map.of()), 4, SessionSettings.defaults())) {
      assertThrows(IllegalArgumentException.class, () -> s.step(new byte[49]));
    }
  }
}
