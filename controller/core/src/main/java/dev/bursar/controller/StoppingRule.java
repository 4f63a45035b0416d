package dev.bursar.controller;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decides after each sample of self-consistency whether to stop drawing. Pure: a function of the
 * answers seen so far. See {@link StoppingRules} for the implementations and docs/ALGORITHMS.md §2.
 */
public interface StoppingRule {

  /** {@return true when no more samples should be drawn, given the answers so far} */
  boolean shouldStop(Tally tally);

  /** {@return the number of samples this rule may draw at most when the caller allows {@code maxSamples}} */
  default int cap(int maxSamples) {
    return maxSamples;
  }

  /** {@return the family name used in reports: sc, ac-beta, ac-dirichlet, esc, bursar} */
  String family();

  /** {@return the rule's parameter for reports (threshold, window), or null} */
  @Nullable Double param();

  /**
   * {@return the probability that the current leader is right, when the rule has a calibrated
   * model of it (the answer's reported confidence); NaN otherwise (the vote share is reported)}
   */
  default double confidence(Tally tally) {
    return Double.NaN;
  }

  /**
   * {@return a score of one sample that the rule reads back from the {@link Tally} (its P(the sample
   * is right) when the rule has a reader of samples); NaN otherwise}
   *
   * @param text what the model wrote
   * @param answerKey the vote key of its answer ({@link Answers#normalize}), null when it has none
   * @param verifierScore a verifier's score of it ({@link Generation#verifierScore}), NaN when none
   */
  default double sampleScore(String text, @Nullable String answerKey, double verifierScore) {
    return Double.NaN;
  }

  /**
   * {@return whether self-consistency should answer with the answer whose samples' {@link #sampleScore}s
   * sum highest ({@link Tally#scoreLeader}) instead of the most frequent one: true when the rule's reader
   * of sample texts was measured to pick the right answer more often than the count does}
   */
  default boolean votesByScore() {
    return false;
  }

  /** {@return the signals the rule consumes} */
  default Set<Signal> requires() {
    return Set.of(Signal.ANSWERS);
  }
}
