package dev.bursar.controller;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What one request may spend. Running out is an {@link Outcome}, never an exception.
 *
 * @param outputTokens cap on output tokens summed over all samples, probes and expansions
 * @param deadline wall-clock cap, or null for none
 * @param money cap in the price table's currency, or null for none
 */
public record Budget(long outputTokens, @Nullable Duration deadline, @Nullable Double money) {
  public static final Budget DEFAULT = new Budget(4_096, Duration.ofSeconds(30), null);

  public Budget {
    if (outputTokens < 1) throw new IllegalArgumentException("outputTokens must be >= 1, was " + outputTokens);
    if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
    if (money != null && !(money > 0)) throw new IllegalArgumentException("money must be > 0, was " + money);
  }

  public static Budget ofTokens(long outputTokens) {
    return new Budget(outputTokens, null, null);
  }

  public Budget withDeadline(Duration d) {
    return new Budget(outputTokens, d, money);
  }

  public Budget withMoney(double m) {
    return new Budget(outputTokens, deadline, m);
  }
}
