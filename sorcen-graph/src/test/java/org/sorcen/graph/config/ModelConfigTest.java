package org.sorcen.graph.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The MLP width must be timm's int(dim * mlp_ratio), or official weights of such a model do not load. */
class ModelConfigTest {
  @Test
  void theMlpWidthIsFlooredAsTimmDoes() {
    ModelConfig m = new ModelConfig();
    m.mlpRatio = 2.7;
    assertEquals(64, m.mlpHidden(24), "int(24 * 2.7) = int(64.8)");
    assertEquals(43, m.mlpHidden(16), "int(16 * 2.7) = int(43.2)");
    m.mlpRatio = 4.0;
    assertEquals(3072, m.mlpHidden(768));
  }
}
