package dev.bursar.controller;

import java.util.Map;
import java.util.TreeMap;

/**
 * Named numeric features of one query, computed by the controller before anything is generated
 * (step 1 of a request) and handed to the {@link Estimator}: text statistics of the prompt
 * ({@code prompt.chars}, {@code prompt.words}, {@code prompt.digits}, {@code prompt.numbers},
 * {@code prompt.operators}, {@code prompt.lines}, {@code prompt.max_number_digits}).
 *
 * @param values feature name to value, sorted by name
 */
public record Features(Map<String, Double> values) {
  public static final Features NONE = new Features(Map.of());

  public Features {
    values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** {@return the value of {@code name}, or NaN when absent} */
  public double get(String name) {
    Double v = values.get(name);
    return v == null ? Double.NaN : v;
  }

  /** {@return the text features of {@code request}'s prompt} */
  public static Features of(Request request) {
    return ofText(request.prompt());
  }

  /** {@return the text features of {@code p}} */
  public static Features ofText(String p) {
    int digits = 0, operators = 0, numbers = 0, lines = 1, maxRun = 0, run = 0, words = 0;
    boolean inWord = false;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (Character.isDigit(c)) {
        digits++;
        if (run++ == 0) numbers++;
        maxRun = Math.max(maxRun, run);
      } else {
        run = 0;
      }
      if ("+-*/^=%".indexOf(c) >= 0) operators++;
      if (c == '\n') lines++;
      boolean letterOrDigit = Character.isLetterOrDigit(c);
      if (letterOrDigit && !inWord) words++;
      inWord = letterOrDigit;
    }
    return new Features(Map.of("prompt.chars", (double) p.length(), "prompt.words", (double) words,
        "prompt.digits", (double) digits, "prompt.numbers", (double) numbers, "prompt.operators", (double) operators,
        "prompt.lines", (double) lines, "prompt.max_number_digits", (double) maxRun));
  }
}
