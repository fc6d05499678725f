package org.sorcen.train.experiment;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.graph.model.IterativeDecoder;
import org.sorcen.train.data.ClassSelection;

/**
 * A side-by-side experiment (configs/experiments/*.json): one model config trained once per
 * method and seed with the same architecture and budget, then every evaluator on each, plus
 * the baselines (one-hot bag of token ids, raw pixels). Paths resolve against the repository.
 */
public final class ExperimentConfig {
  public String name;

  /** Image source: an IDX directory with train and t10k (Fashion-MNIST: /usr/share/datasets/fashion-mnist). */
  public String images;

  /** Class names for the token dataset ("fashion-mnist" for Fashion-MNIST's). */
  public String classNames = "fashion-mnist";

  public String tokenizer;

  /** The generation evaluators' classifier SavedModel (its features define the Fréchet distance). */
  public String classifier;

  /** The model config every method trains (architecture, optimizer, seed, epochs). */
  public String modelConfig;

  /** Dotted overrides applied to the model config for every method, e.g. train.epochs. */
  public Map<String, String> overrides = new LinkedHashMap<>();

  /**
   * Methods to compare, in table order ({@link ExperimentMethod}): "sorcen" (precomputed tokens),
   * "mage-online" (official MAGE: the raw {@code images} tokenized by {@code tokenizer} in every
   * step), "mage-tokens" (MAGE on the precomputed tokens, the ablation); "mage" is an alias of
   * "mage-tokens" whose runs keep their {@code mage/} directory, so older experiments resume.
   */
  public List<String> methods = new ArrayList<>(List.of("sorcen", "mage-online", "mage-tokens"));

  /**
   * Training seeds ({@code train.seed}): every trained method, and the encoder at initialisation,
   * once per seed, so that each figure is a mean with its spread over seeds.
   */
  public List<Integer> seeds = new ArrayList<>(List.of(0));

  /** Where tokens, runs and SavedModels go. */
  public String workDir;

  /** The Markdown results file; sample grids and a JSON copy go beside it. */
  public String results;

  public Generation generation = new Generation();

  /** The transfer table, off when absent. */
  public Transfer transfer;

  /** How the generation evaluators draw. */
  public static final class Generation {
    /** Images generated for the Fréchet distance and IS analogue (the reference is the whole test split). */
    public int samples = 10_000;

    public float temperature = IterativeDecoder.DEFAULT_TEMPERATURE;
    public int steps = IterativeDecoder.DEFAULT_STEPS;

    /** Images in each method's sample grid PNG. */
    public int gridImages = 64;
  }

  /**
   * Transfer to classes never seen: Sorcen pre-trained (same config, overrides and seed) on
   * {@code pretrain_classes} only, then its frozen features probed on {@code probe_classes}, beside
   * the initial (untrained) encoder and the raw pixels of those classes. Labels as in
   * {@code subset --classes}: "0-4", "5,7-9".
   */
  public static final class Transfer {
    public String pretrainClasses;
    public String probeClasses;
  }

  public ExperimentConfig validated() {
    List<String> errors = new ArrayList<>();
    for (String[] f :
        new String[][] {
          {"name", name},
          {"images", images},
          {"tokenizer", tokenizer},
          {"classifier", classifier},
          {"model_config", modelConfig},
          {"work_dir", workDir},
          {"results", results}
        }) {
      if (f[1] == null || f[1].isBlank()) {
        errors.add(f[0] + " is required");
      }
    }
    if (methods.isEmpty()) {
      errors.add("methods must name at least one of " + ExperimentMethod.names());
    }
    Set<ExperimentMethod> seen = EnumSet.noneOf(ExperimentMethod.class);
    for (String m : methods) {
      ExperimentMethod method = ExperimentMethod.of(m);
      if (method == null) {
        errors.add("methods[]: '" + m + "' is not one of " + ExperimentMethod.names());
      } else if (!seen.add(method)) {
        errors.add(
            "methods[]: '"
                + m
                + "' trains "
                + method.id
                + " a second time (mage is an alias of mage-tokens)");
      }
    }
    if (seeds == null || seeds.isEmpty()) {
      errors.add("seeds must list at least one training seed, e.g. [0, 1, 2]");
    } else if (seeds.stream().anyMatch(Objects::isNull)
        || seeds.stream().distinct().count() < seeds.size()) {
      errors.add("seeds must be distinct numbers, got " + seeds);
    } else if (seeds.stream().anyMatch(s -> s < 0)) {
      errors.add("seeds must be >= 0, got " + seeds);
    }
    if (generation.samples < 2
        || generation.gridImages < 1
        || generation.steps < 1
        || generation.temperature < 0) {
      errors.add(
          "generation: samples >= 2, grid_images >= 1, steps >= 1 and temperature >= 0 are required");
    }
    if (transfer != null) {
      transferErrors(errors);
    }
    if (!errors.isEmpty()) {
      throw new ConfigException("experiment config: " + String.join("; ", errors));
    }
    return this;
  }

  private void transferErrors(List<String> errors) {
    ClassSelection pre = selection("transfer.pretrain_classes", transfer.pretrainClasses, errors);
    ClassSelection probe = selection("transfer.probe_classes", transfer.probeClasses, errors);
    if (probe != null && probe.labels().size() < 2) {
      errors.add("transfer.probe_classes must name at least 2 classes to probe, got " + probe);
    }
    if (pre != null && probe != null) {
      List<Integer> both = pre.labels().stream().filter(probe.labels()::contains).toList();
      if (!both.isEmpty()) {
        errors.add(
            "transfer: classes "
                + both
                + " are in both pretrain_classes and probe_classes; the probe must"
                + " see classes never seen in pre-training");
      }
    }
  }

  private static ClassSelection selection(String key, String spec, List<String> errors) {
    if (spec == null || spec.isBlank()) {
      errors.add(key + " is required (labels, e.g. \"0-4\")");
      return null;
    }
    try {
      return ClassSelection.parse(spec);
    } catch (IllegalArgumentException e) {
      errors.add(key + ": " + e.getMessage());
      return null;
    }
  }
}
