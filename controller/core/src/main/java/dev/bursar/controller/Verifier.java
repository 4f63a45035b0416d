package dev.bursar.controller;

import java.util.Set;

/**
 * Scores a candidate reasoning step for step-level search (docs/ALGORITHMS.md §8). Higher is
 * better; scores of one verifier must be comparable across candidates of one query.
 */
public interface Verifier {

  /** {@return a short name for reports} */
  String name();

  /** {@return the signals the verifier needs from the backend} */
  Set<Signal> requires();

  /**
   * @param backend the backend the step came from (cast to {@link WhiteBoxBackend} when
   *     {@link #requires()} holds {@link Signal#HIDDEN_STATES})
   * @param prompt the query's prompt
   * @param thinking the thinking so far, ending with the candidate step
   * @param step the generation of the candidate step (with its token log-probabilities)
   * @return the score of the partial solution ending with this step
   */
  double score(Backend backend, String prompt, String thinking, Generation step);
}
