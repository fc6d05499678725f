package org.sorcen.train.data;

/** Input data that cannot be used; the message names the file and the record, offset or value. */
public final class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
