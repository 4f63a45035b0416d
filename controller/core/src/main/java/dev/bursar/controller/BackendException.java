package dev.bursar.controller;

/** A failure inside a backend, translated at its boundary. The controller turns it into {@link Outcome.Failed}. */
public class BackendException extends RuntimeException {
  private final boolean retryable;

  public BackendException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public BackendException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** {@return whether the same call may succeed if tried again} */
  public boolean retryable() {
    return retryable;
  }
}
