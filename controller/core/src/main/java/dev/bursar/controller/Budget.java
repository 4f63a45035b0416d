package dev.bursar.controller;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What one request may spend. Running out is an {@link Outcome}, never an exception.
 *
 * @param outputTokens cap on output tokens summed over all samples, probes and expansions
 * @param deadline wall-clock cap, or null for none
 */
public record Budget(long outputTokens, @Nullable Duration deadline) {
  public static final Budget DEFAULT = new Budget(4_096, Duration.ofSeconds(30));

  public Budget {
    if (outputTokens < 1) throw new IllegalArgumentException("outputTokens must be >= 1, was " + outputTokens);
    if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
  }

  public static Budget ofTokens(long outputTokens) {
    return new Budget(outputTokens, null);
  }

  public Budget withDeadline(Duration d) {
    return new Budget(outputTokens, d);
  }

  public Budget withOutputTokens(long tokens) {
    return new Budget(tokens, deadline);
  }
}
