package org.sorcen.train.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.config.ConfigLoader;

/** The experiment config's transfer section: off when absent, on in fashion-mnist.json, refused in one line. */
class ExperimentConfigTest {
  static final Path FASHION = Path.of("..", "configs", "experiments", "fashion-mnist.json");

  static ExperimentConfig load(Map<String, String> overrides) {
    return ConfigLoader.load(
        FASHION, overrides, ExperimentConfig.class, ExperimentConfig::validated);
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
  void seedsDefaultToOneAndFashionMnistTrainsThree() {
    assertEquals(List.of(0), minimal().validated().seeds);
    ExperimentConfig x = load(Map.of());
    assertEquals(List.of(0, 1, 2), x.seeds);
    assertTrue(
        x.overrides.containsKey("eval.every_epochs"),
        "the k-NN-against-time figure needs evaluations");
  }

  @Test
  void seedsMustBeANonEmptyListOfDistinctNonNegativeNumbers() {
    ExperimentConfig x = minimal();
    x.seeds = List.of();
    String empty = assertThrows(ConfigException.class, x::validated).getMessage();
    assertTrue(empty.contains("seeds must list at least one training seed"), empty);
    x.seeds = List.of(0, 1, 0);
    String twice = assertThrows(ConfigException.class, x::validated).getMessage();
    assertTrue(twice.contains("seeds must be distinct numbers, got [0, 1, 0]"), twice);
    assertEquals(1, twice.lines().count(), twice);
    x.seeds = List.of(-1);
    assertTrue(
        assertThrows(ConfigException.class, x::validated)
            .getMessage()
            .contains("seeds must be >= 0"));
    String syntax =
        assertThrows(ConfigException.class, () -> load(Map.of("seeds", "[]"))).getMessage();
    assertTrue(syntax.contains("seeds must list at least one"), syntax);
  }

  @Test
  void aBadTransferSectionIsOneLineNamingEachProblem() {
    ExperimentConfig x = minimal();
    x.transfer = new ExperimentConfig.Transfer();
    x.transfer.pretrainClasses = "0-5";
    x.transfer.probeClasses = "5-9";
    String overlap = assertThrows(ConfigException.class, x::validated).getMessage();
    assertTrue(
        overlap.contains("classes [5] are in both pretrain_classes and probe_classes"), overlap);
    assertEquals(1, overlap.lines().count(), overlap);

    x.transfer.pretrainClasses = null;
    x.transfer.probeClasses = "7";
    String two = assertThrows(ConfigException.class, x::validated).getMessage();
    assertTrue(two.contains("transfer.pretrain_classes is required"), two);
    assertTrue(two.contains("transfer.probe_classes must name at least 2 classes"), two);
    assertEquals(1, two.lines().count(), two);

    String syntax =
        assertThrows(ConfigException.class, () -> load(Map.of("transfer.probe_classes", "5-x")))
            .getMessage();
    assertTrue(syntax.contains("transfer.probe_classes: classes '5-x'"), syntax);
  }
}
