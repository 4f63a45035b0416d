package dev.bursar.controller;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The result of one request: answered, abstained (no answer within the budget) or failed. */
public sealed interface Outcome {

  /** {@return the mode that ran} */
  String mode();

  /** {@return samples drawn (including cancelled ones)} */
  int samples();

  /** {@return prompt tokens charged} */
  long inputTokens();

  /** {@return output tokens generated, including tokens of cancelled sequences} */
  long outputTokens();

  /** {@return why generation stopped, in the order the exits fired} */
  List<String> exits();

  /** {@return wall-clock time spent} */
  Duration elapsed();

  record Answered(
      String answer,
      double confidence,
      String text,
      String mode,
      int samples,
      long inputTokens,
      long outputTokens,
      List<String> exits,
      Duration elapsed) implements Outcome {
    public Answered {
      exits = List.copyOf(exits);
    }
  }

  record Abstained(
      String reason,
      @Nullable String bestGuess,
      String mode,
      int samples,
      long inputTokens,
      long outputTokens,
      List<String> exits,
      Duration elapsed) implements Outcome {
    public Abstained {
      exits = List.copyOf(exits);
    }
  }

  record Failed(
      String error,
      boolean retryable,
      String mode,
      int samples,
      long inputTokens,
      long outputTokens,
      List<String> exits,
      Duration elapsed) implements Outcome {
    public Failed {
      exits = List.copyOf(exits);
    }
  }
}
