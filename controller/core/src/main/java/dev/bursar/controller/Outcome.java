package dev.bursar.controller;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The result of one request: answered, abstained (no answer within the budget) or failed. */
public sealed interface Outcome {

  /** {@return the plan that ran (the policy's, or the fallback)} */
  Plan plan();

  /** {@return the mode that ran: FAST, SELF_CONSISTENCY or DEEP_SEARCH} */
  default String mode() {
    return plan().mode().name();
  }

  /** {@return what the request cost} */
  Spend spend();

  /** {@return why generation stopped, in the order the exits fired} */
  List<ExitReason> exits();

  /** {@return true when {@code exit} fired} */
  default boolean exited(ExitReason exit) {
    return exits().contains(exit);
  }

  /** {@return the exits' labels, e.g. {@code [ac-beta-stop]}} */
  default List<String> exitLabels() {
    return exits().stream().map(ExitReason::label).toList();
  }

  /**
   * @param answer the answer as the model wrote it
   * @param confidence P(the answer is right) where bursar has a calibrated model of it (a fitted
   *     stop model for voted modes, the fitted estimator's P(one sample is right) for FAST); otherwise
   *     the share of the vote (voted modes), the verifier's score (search), and NaN (unknown) for FAST
   * @param text the full text of the sample that gave the answer
   */
  record Answered(String answer, double confidence, String text, Plan plan, Spend spend, List<ExitReason> exits)
      implements Outcome {
    public Answered {
      exits = List.copyOf(exits);
    }
  }

  /**
   * @param reason why there is no answer
   * @param bestGuess the best partial answer, or null
   */
  record Abstained(String reason, @Nullable String bestGuess, Plan plan, Spend spend, List<ExitReason> exits)
      implements Outcome {
    public Abstained {
      exits = List.copyOf(exits);
    }
  }

  /**
   * @param error what failed, for the caller
   * @param cause the kind of failure
   * @param retryable whether the same request may succeed when retried
   */
  record Failed(String error, Cause cause, boolean retryable, Plan plan, Spend spend, List<ExitReason> exits)
      implements Outcome {
    public Failed {
      exits = List.copyOf(exits);
    }

    /** The kinds of failure a caller treats differently (the sidecar: 502, 504, 400). */
    public enum Cause {
      /** The backend failed. */
      BACKEND,
      /** The deadline passed before the backend produced anything usable. */
      DEADLINE,
      /** The request asked for a mode the backend cannot feed (a client mistake). */
      UNSUPPORTED
    }
  }
}
