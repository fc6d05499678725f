package org.sorcen.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.config.ConfigLoader;

/** The experiment config's transfer section: off when absent, on in fashion-mnist.json, refused in one line. */
class ExperimentConfigTest {
  static final Path FASHION = Path.of("..", "configs", "experiments", "fashion-mnist.json");

  static ExperimentConfig load(Map<String, String> overrides) {
    return ConfigLoader.load(FASHION, overrides, ExperimentConfig.class, ExperimentConfig::validated);
  }

  static ExperimentConfig minimal() {
    ExperimentConfig x = new ExperimentConfig();
    x.name = "t";
    x.images = "i";
    x.tokenizer = "t";
    x.classifier = "c";
    x.modelConfig = "m";
    x.workDir = "w";
    x.results = "r.md";
    return x;
  }

  @Test
  void fashionMnistPretrainsOnTheFirstFiveClassesAndProbesTheOthers() {
    ExperimentConfig x = load(Map.of());
    assertEquals("0-4", x.transfer.pretrainClasses);
    assertEquals("5-9", x.transfer.probeClasses);
    assertNull(minimal().validated().transfer, "off unless configured");
  }

  @Test
  void aBadTransferSectionIsOneLineNamingEachProblem() {
    ExperimentConfig x = minimal();
    x.transfer = new ExperimentConfig.Transfer();
    x.transfer.pretrainClasses = "0-5";
    x.transfer.probeClasses = "5-9";
    String overlap = assertThrows(ConfigException.class, x::validated).getMessage();
    assertTrue(overlap.contains("classes [5] are in both pretrain_classes and probe_classes"), overlap);
    assertEquals(1, overlap.lines().count(), overlap);

    x.transfer.pretrainClasses = null;
    x.transfer.probeClasses = "7";
    String two = assertThrows(ConfigException.class, x::validated).getMessage();
    assertTrue(two.contains("transfer.pretrain_classes is required"), two);
    assertTrue(two.contains("transfer.probe_classes must name at least 2 classes"), two);
    assertEquals(1, two.lines().count(), two);

    String syntax = assertThrows(ConfigException.class, () -> load(Map.of("transfer.probe_classes", "5-x")))
        .getMessage();
    assertTrue(syntax.contains("transfer.probe_classes: classes '5-x'"), syntax);
  }
}
