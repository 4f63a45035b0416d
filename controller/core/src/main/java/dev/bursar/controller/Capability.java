package dev.bursar.controller;

/** What a {@link Backend} can feed to the controller's rules besides plain text. */
public enum Capability {
  /** Per-token log-probabilities of the sampled token. */
  LOGPROBS,
  /** Top-k log-probabilities per position (DeepConf token confidence). */
  TOP_LOGPROBS,
  /** Hidden states of a chosen layer at chosen positions (white-box probes). */
  HIDDEN_STATES,
  /** A sequence can be cancelled mid-generation through {@link TokenListener}. */
  CANCELLATION,
  /** Generation can stop at a step delimiter and be resumed from a given prefix (search). */
  STEPWISE,
  /**
   * Generations carry their own answer ({@link Generation#answer()}): the source already extracted
   * it (a recorded pool, a structured-output API), so the controller does not read it from the text.
   */
  OWN_ANSWERS
}
