package dev.bursar.controller;

import java.util.Map;

/**
 * One query to the controller.
 *
 * @param prompt the user's question or the full prompt
 * @param attributes caller hints passed to the backend (e.g. {@code qid} for replay)
 */
public record Request(String prompt, Map<String, String> attributes) {
  public Request {
    if (prompt.isBlank()) throw new IllegalArgumentException("prompt must not be blank");
    attributes = Map.copyOf(attributes);
  }

  public static Request of(String prompt) {
    return new Request(prompt, Map.of());
  }
}
