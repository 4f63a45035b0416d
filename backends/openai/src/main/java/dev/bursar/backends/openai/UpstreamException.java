package dev.bursar.backends.openai;

import dev.bursar.controller.BackendException;

/**
 * The upstream answered with an error status: its status and body are kept so that a caller (the
 * sidecar) can hand them to its client unchanged.
 */
public final class UpstreamException extends BackendException {
  private final int status;
  private final String body;

  UpstreamException(int status, String body) {
    super("the upstream answered HTTP " + status + ": " + brief(body), status == 429 || status >= 500);
    this.status = status;
    this.body = body;
  }

  /** {@return the upstream's HTTP status} */
  public int status() {
    return status;
  }

  /** {@return the upstream's response body, as sent} */
  public String body() {
    return body;
  }

  private static String brief(String body) {
    String t = body.replaceAll("\\s+", " ").strip();
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }
}
