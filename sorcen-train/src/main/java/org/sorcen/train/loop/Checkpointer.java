package org.sorcen.train.loop;

import java.nio.file.Path;
import org.sorcen.export.io.IoFailure;
import org.sorcen.train.run.Checkpoints;
import org.sorcen.train.run.ConfigDiff;
import org.sorcen.train.session.Checkpointable;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Saves one run's session into its {@link Checkpoints} with the sidecar every trainer writes the
 * same way (step, epoch, steps per epoch, seed, config hash, training time), so that resuming,
 * damage checks and readers of checkpoints need not know which trainer made them.
 */
public record Checkpointer(
    Checkpoints checkpoints,
    Checkpointable session,
    long stepsPerEpoch,
    long seed,
    String configJson) {
  /**
   * Writes the checkpoint of {@code step}, {@code trainSeconds} the run's step time up to it (NaN:
   * unknown); returns its directory.
   */
  public Path save(long step, double trainSeconds) {
    return checkpoints.save(
        session,
        new Checkpoints.Sidecar(
            step,
            step / (double) stepsPerEpoch,
            stepsPerEpoch,
            seed,
            ConfigDiff.hash(configJson),
            System.currentTimeMillis() / 1000.0,
            Double.isFinite(trainSeconds) ? trainSeconds : null,
            null),
        configJson);
  }

  /** Loads {@code checkpoint} (a step directory) into the session; a bundle TensorFlow cannot read is an I/O failure. */
  public void restore(Path checkpoint) {
    try {
      session.restore(Checkpoints.prefix(checkpoint));
    } catch (TensorFlowException e) {
      throw IoFailure.of("restore checkpoint", checkpoint, e);
    }
  }
}
