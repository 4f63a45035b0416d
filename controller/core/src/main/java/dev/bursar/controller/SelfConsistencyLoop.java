package dev.bursar.controller;

import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/**
 * Draws samples one at a time, tallies their votes and asks a {@link StoppingRule} after each
 * whether to stop (docs/ALGORITHMS.md §2, Algorithm 1 of Adaptive-Consistency). Shared by the
 * replay benchmark and the controller's SELF_CONSISTENCY mode so both use the same definitions.
 */
public final class SelfConsistencyLoop {
  private SelfConsistencyLoop() {}

  /**
   * One drawn sample as the loop sees it.
   *
   * @param voteKey the normalised answer ({@link AnswerNormalizer}), null when it has none
   * @param tokens output tokens the sample cost
   * @param weight its vote weight (1 for plain majority)
   */
  public record Sample(@Nullable String voteKey, long tokens, double weight) {
    public static Sample of(@Nullable String voteKey, long tokens) {
      return new Sample(voteKey, tokens, 1.0);
    }
  }

  /**
   * @param tally the votes drawn, in order
   * @param tokens output tokens spent
   * @param stoppedEarly whether the rule stopped before the cap
   */
  public record Result(Tally tally, long tokens, boolean stoppedEarly) {
    public int samples() {
      return tally.samples();
    }
  }

  /** Runs the loop until the rule stops it, {@code rule.cap(maxSamples)} is reached, or the source ends. */
  public static Result run(Iterator<Sample> source, StoppingRule rule, int maxSamples) {
    if (maxSamples < 1) throw new IllegalArgumentException("maxSamples must be >= 1, was " + maxSamples);
    int cap = rule.cap(maxSamples);
    var tally = new Tally();
    long tokens = 0;
    while (tally.samples() < cap && source.hasNext()) {
      Sample s = source.next();
      tally.add(s.voteKey(), s.weight());
      tokens += s.tokens();
      if (tally.samples() < cap && rule.shouldStop(tally)) return new Result(tally, tokens, true);
    }
    return new Result(tally, tokens, false);
  }
}
