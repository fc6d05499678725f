package org.sorcen.train.loop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.sorcen.graph.config.ConfigException;
import org.sorcen.train.data.DataException;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.ConfigDiff;

/**
 * Where a run continues from: its own newest intact checkpoint, else an explicitly given one (the
 * Sorcen run's {@code --resume-from}), else nowhere (a fresh start). Whichever it is must have
 * been trained with a config that differs at most in how the run is observed ({@link ConfigDiff})
 * and with the same steps per epoch, or the resumed run would compute something else.
 *
 * @param explicit a checkpoint to start from when the run has none of its own, or null
 * @param explicitOption the flag that names {@code explicit} in messages, or null when the command has none
 * @param startOver how to start a fresh run instead, for the message refusing another config
 */
public record Resume(
    Checkpoints checkpoints, Path explicit, String explicitOption, String startOver) {
  /**
   * The checkpoint to restore, or null for a fresh start. Newer damaged checkpoints are reported
   * to {@code damaged}, and set aside when {@code setAside} (only once the run holds its lock).
   */
  public Path source(
      String configJson, long stepsPerEpoch, boolean setAside, Consumer<String> damaged) {
    Path own = checkpoints.newestIntact(setAside, damaged).orElse(null);
    Path from = own;
    if (from == null && explicit != null) {
      from = explicit;
      if (!Files.isDirectory(from)) {
        throw new DataException(
            explicitOption
                + " "
                + from
                + " is not a directory: pass a step-* directory of a "
                + "run's checkpoints/");
      }
      Path checked = from;
      Checkpoints.damage(from)
          .ifPresent(
              problem -> {
                throw new DataException(
                    explicitOption
                        + " "
                        + checked
                        + " is damaged ("
                        + problem
                        + "): pass another "
                        + "checkpoint");
              });
    } else if (from == null && !checkpoints.list().isEmpty()) {
      throw new DataException(
          "every checkpoint in "
              + checkpoints.list().get(0).getParent()
              + " is damaged: "
              + (explicitOption != null
                  ? "pass " + explicitOption + " with an intact one, or "
                  : "")
              + "remove that directory to start over");
    }
    if (from == null) {
      return null;
    }
    String saved = Checkpoints.readConfig(from);
    Checkpoints.Sidecar sidecar = Checkpoints.readSidecar(from);
    if (saved != null) {
      List<String> diff = ConfigDiff.incompatible(saved, configJson);
      if (!diff.isEmpty()) {
        throw new ConfigException(
            "checkpoint "
                + from
                + " was trained with another config; these fields differ: "
                + String.join(", ", diff)
                + ". Resume with that config, or "
                + startOver
                + ".");
      }
    } else if (!sidecar.configHash().equals(ConfigDiff.hash(configJson))) {
      throw new ConfigException(
          "checkpoint "
              + from
              + " was trained with another config (SHA-256 "
              + sidecar.configHash()
              + ") and neither it nor its run keeps that config.json to compare: resume with "
              + "that exact config");
    }
    if (sidecar.stepsPerEpoch() != stepsPerEpoch) {
      throw new DataException(
          "checkpoint "
              + from
              + " was made with "
              + sidecar.stepsPerEpoch()
              + " steps per "
              + "epoch, this data and batch give "
              + stepsPerEpoch
              + ": resume with the same dataset and batch size");
    }
    return from;
  }
}
