package org.sorcen.train.run;

/** A run that had to stop (non-finite loss); the message says at which step and why. */
public final class TrainingStopped extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingStopped(String message) {
    super(message);
  }
}
