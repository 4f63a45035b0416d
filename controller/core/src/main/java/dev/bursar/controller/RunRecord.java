package dev.bursar.controller;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything the controller decided and spent for one request, handed to the {@link TraceSink}.
 *
 * @param request the query and its hints
 * @param features what the estimator saw
 * @param estimate what it predicted
 * @param policy the description of the policy that decided
 * @param plan the plan that ran (the fallback plan when {@code fallback} is set)
 * @param fallback why the fallback plan ran instead of the policy's (an estimator or policy that
 *     threw or ran past the decision timeout, or chose a plan the backend cannot feed); null when it did not
 * @param samples every sequence generated, in order: samples, probes, search expansions
 * @param outcome what the caller got
 */
public record RunRecord(
    Request request,
    Features features,
    Estimate estimate,
    String policy,
    Plan plan,
    @Nullable String fallback,
    List<Sample> samples,
    Outcome outcome) {

  public RunRecord {
    samples = List.copyOf(samples);
  }

  /**
   * One generated sequence.
   *
   * @param text what it generated (without the prompt)
   * @param answer the answer read from it, or null when it has none or is a part of a chain (a
   *     search step, a probe, a forced answer) rather than a whole sample
   * @param inputTokens prompt tokens charged for it
   * @param outputTokens output tokens charged for it
   * @param finish how it ended
   * @param meanLogprob mean log-probability of its tokens, NaN when the backend gave none
   * @param verifierScore a verifier's score of it ({@link Generation#verifierScore}), NaN when none
   */
  public record Sample(String text, @Nullable String answer, int inputTokens, int outputTokens, FinishReason finish,
      double meanLogprob, double verifierScore) {

    /** A sample whose log-probabilities and verifier score are unknown. */
    public Sample(String text, @Nullable String answer, int inputTokens, int outputTokens, FinishReason finish) {
      this(text, answer, inputTokens, outputTokens, finish, Double.NaN, Double.NaN);
    }

    /** {@return the verifier's score, or null when none (the trace format's convention)} */
    public @Nullable Double verifierScoreOrNull() {
      return Double.isNaN(verifierScore) ? null : verifierScore;
    }

    /** {@return the mean log-probability, or null when unknown (the trace format's convention)} */
    public @Nullable Double meanLogprobOrNull() {
      return Double.isNaN(meanLogprob) ? null : meanLogprob;
    }
  }
}
