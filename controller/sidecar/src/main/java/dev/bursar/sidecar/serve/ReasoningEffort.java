package dev.bursar.sidecar.serve;

import java.util.List;
import java.util.Locale;

/**
 * OpenAI's {@code reasoning_effort} ({@code none|minimal|low|medium|high|xhigh}) as budgets: the
 * output tokens of all samples together that the policy may spend, and the thinking tokens per
 * sample that an upstream with its own budget field gets. {@code none} also means one sample.
 */
final class ReasoningEffort {
  static final List<String> LEVELS = List.of("none", "minimal", "low", "medium", "high", "xhigh");

  private ReasoningEffort() {}

  /** @throws ApiException 400 for a level that is not one of {@link #LEVELS} */
  static String check(String effort) {
    String e = effort.toLowerCase(Locale.ROOT);
    if (!LEVELS.contains(e)) {
      throw ApiException.invalid("reasoning_effort", "invalid_value", "reasoning_effort \"" + effort
          + "\" is not a level: use one of " + String.join(", ", LEVELS) + ", or leave it out");
    }
    return e;
  }

  /** {@return the request's output-token budget for {@code effort}, within {@code [1, max]}; medium keeps the default} */
  static long budget(String effort, long defaultBudget, long max) {
    long b = switch (effort) {
      case "none" -> Math.min(defaultBudget, 512);
      case "minimal" -> Math.max(1, defaultBudget / 4);
      case "low" -> Math.max(1, defaultBudget / 2);
      case "high" -> defaultBudget * 4;
      case "xhigh" -> max;
      default -> defaultBudget;
    };
    return Math.max(1, Math.min(b, max));
  }

  /** {@return the thinking tokens per sample an upstream gets for {@code effort}} */
  static int thinkingTokens(String effort) {
    return switch (effort) {
      case "none" -> 0;
      case "minimal" -> 256;
      case "low" -> 1024;
      case "high" -> 16_384;
      case "xhigh" -> 32_768;
      default -> 4096;
    };
  }
}
