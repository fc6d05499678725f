package org.sorcen.train.session;

import java.nio.file.Path;

/**
 * A training session whose whole state (weights, optimizer slots, step counter, anything else a
 * resumed run needs) lives in TensorFlow variables, so that a bundle under one prefix saves and
 * restores it. {@code run.Checkpoints} wraps these calls with digests and atomic step directories,
 * which is why the three trainers share it instead of each writing bundles of its own.
 */
public interface Checkpointable {
  /** Writes the bundle files {@code prefix.index} and {@code prefix.data-*}. */
  void save(Path prefix);

  /** Loads every variable from the bundle under {@code prefix}. */
  void restore(Path prefix);
}
