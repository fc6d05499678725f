package org.sorcen.train.experiment;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.sorcen.graph.config.TrainConfig;

/**
 * What an experiment method name trains: the model's {@code method}, its {@code train.input}, and
 * the row label the report gives it. The paper compares Sorcen on precomputed tokens with official
 * MAGE, which tokenizes every augmented crop inside the step; MAGE on the same precomputed tokens
 * separates the cost of the tokenization from the cost of the method (the ablation).
 */
enum ExperimentMethod {
  SORCEN("sorcen", "sorcen", TrainConfig.TOKENS, "Sorcen (precomputed tokens)"),
  MAGE_ONLINE("mage-online", "mage", TrainConfig.IMAGES, "MAGE, online tokenization (official)"),
  MAGE_TOKENS("mage-tokens", "mage", TrainConfig.TOKENS, "MAGE on precomputed tokens (ablation)");

  /** Names older configs used: "mage" trained on the precomputed tokens before online MAGE existed. */
  private static final Map<String, ExperimentMethod> ALIASES = Map.of("mage", MAGE_TOKENS);

  final String id;
  final String modelMethod;
  final String input;
  final String label;

  ExperimentMethod(String id, String modelMethod, String input, String label) {
    this.id = id;
    this.modelMethod = modelMethod;
    this.input = input;
    this.label = label;
  }

  boolean onImages() {
    return TrainConfig.IMAGES.equals(input);
  }

  /** The method a config names, or null when it names none. */
  static ExperimentMethod of(String name) {
    return Arrays.stream(values())
        .filter(m -> m.id.equals(name))
        .findFirst()
        .orElse(ALIASES.get(name));
  }

  /** Every accepted name, canonical first, for error messages. */
  static List<String> names() {
    return Stream.concat(Arrays.stream(values()).map(m -> m.id), ALIASES.keySet().stream())
        .toList();
  }
}
