package org.sorcen.graph.weights;

/** A weights file that cannot be used; the message names the file and the tensor. */
public final class WeightsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WeightsException(String message) {
    super(message);
  }
}
