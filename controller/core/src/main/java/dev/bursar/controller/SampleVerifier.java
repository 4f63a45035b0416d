package dev.bursar.controller;

/**
 * A verifier of whole samples: a reward model (or any judge) that scores how likely one answer to a
 * prompt is right, higher meaning better. The controller scores each whole sample of self-consistency
 * and FAST with it ({@link Generation#verifierScore}); a policy whose reader was fitted on such scores
 * (a recorded pool's {@code score}, a trace log written with the same verifier) reads them to stop early
 * and to weigh the vote. Steps, probes and forced answers are never scored.
 *
 * <p>A failed or late score is no score: the sample still votes, and the request gets the answer it
 * would have got without the verifier ({@link ComputeController#verifierFailures()} counts them).
 */
public interface SampleVerifier extends AutoCloseable {

  /** {@return a short name for logs, e.g. the reward model's id} */
  String name();

  /**
   * {@return the verifier's score of {@code sample} as an answer to {@code prompt}}
   *
   * @throws RuntimeException when the verifier cannot score it (unreachable, refused, malformed)
   */
  double score(String prompt, String sample);

  @Override
  default void close() {}
}
