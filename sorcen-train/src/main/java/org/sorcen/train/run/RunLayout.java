package org.sorcen.train.run;

import java.nio.file.Path;

/**
 * Where a run keeps its files, the one layout every writer and reader of a run uses:
 *
 * <pre>
 * runs/NAME/config.json       resolved config (every field), written once, checked on resume
 * runs/NAME/run.json          the dataset and the tokenizer the run used ({@link RunInfo})
 * runs/NAME/metrics.jsonl     one JSON object per log interval and per evaluation
 * runs/NAME/events/           TensorBoard event files
 * runs/NAME/checkpoints/step-NNNNNNNNN/{ckpt.index, ckpt.data-00000-of-00001, checkpoint.json}
 * runs/NAME/pictures/         generated samples and echo grids (PNG), when a tokenizer is known
 * runs/NAME/savedmodels/      the end-of-run export
 * runs/NAME/tokenizer/        an imported tokenizer (import-official)
 * </pre>
 *
 * A tokenizer's run is kept in its checkpoints directory instead ({@link #inCheckpoints}), because
 * the directory above it is the tokenizer's SavedModel.
 *
 * @param root the directory the run locks
 * @param checkpoints where the {@code step-*} directories go
 * @param metrics the run's {@code metrics.jsonl}
 */
public record RunLayout(Path root, Path checkpoints, Path metrics) {
  static final String METRICS = "metrics.jsonl";

  /** The layout of a run directory. */
  public RunLayout(Path root) {
    this(root, root.resolve("checkpoints"), root.resolve(METRICS));
  }

  /**
   * A run that lives in its checkpoints directory {@code dir}: {@code step-*} and {@code
   * metrics.jsonl} side by side, locked there, and no config.json or run.json (tokenizer-train's
   * OUT/checkpoints, next to the SavedModel it exports).
   */
  public static RunLayout inCheckpoints(Path dir) {
    return new RunLayout(dir, dir, dir.resolve(METRICS));
  }

  public Path config() {
    return root.resolve("config.json");
  }

  public Path runInfo() {
    return root.resolve("run.json");
  }

  public Path events() {
    return root.resolve("events");
  }

  public Path pictures() {
    return root.resolve("pictures");
  }

  public Path savedModels() {
    return root.resolve("savedmodels");
  }

  /** An imported tokenizer's SavedModel, which run.json names. */
  public Path tokenizer() {
    return root.resolve("tokenizer");
  }
}
