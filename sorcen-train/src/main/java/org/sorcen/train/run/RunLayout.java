package org.sorcen.train.run;

import java.nio.file.Path;

/**
 * The run directory:
 * <pre>
 * runs/NAME/config.json       resolved config (every field), written once, checked on resume
 * runs/NAME/run.json          the dataset and the tokenizer the run used
 * runs/NAME/metrics.jsonl     one JSON object per log interval and per evaluation
 * runs/NAME/events/           TensorBoard event files
 * runs/NAME/checkpoints/step-NNNNNNNNN/{ckpt.index, ckpt.data-00000-of-00001, checkpoint.json}
 * runs/NAME/pictures/         generated samples and echo grids (PNG), when a tokenizer is known
 * </pre>
 */
public record RunLayout(Path root) {
  public Path config() {
    return root.resolve("config.json");
  }

  public Path runInfo() {
    return root.resolve("run.json");
  }

  public Path metrics() {
    return root.resolve("metrics.jsonl");
  }

  public Path events() {
    return root.resolve("events");
  }

  public Path pictures() {
    return root.resolve("pictures");
  }

  public Path checkpoints() {
    return root.resolve("checkpoints");
  }
}
