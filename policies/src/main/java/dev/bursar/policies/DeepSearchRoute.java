package dev.bursar.policies;

import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Verifiers;

/**
 * When the compute-optimal policy hands a query to DEEP_SEARCH instead of self-consistency: when the
 * estimator's P(one sample is right) is below {@code belowPCorrect}, a step-level beam search scored
 * by the model's step confidence (the plan the tuner measured on the same training questions). The
 * tuner keeps a route only where it measured one cheaper at the same accuracy.
 *
 * @param belowPCorrect queries with a prior P(right) below this go to DEEP_SEARCH
 * @param beamWidth beams kept after each step
 * @param expansions candidates drawn per beam at each step
 * @param maxDepth the most steps
 * @param maxTokensPerStep cap on each step's tokens
 */
public record DeepSearchRoute(double belowPCorrect, int beamWidth, int expansions, int maxDepth, int maxTokensPerStep) {
  public DeepSearchRoute {
    if (!(belowPCorrect > 0 && belowPCorrect <= 1)) throw new IllegalArgumentException("belowPCorrect must be in (0, 1], was " + belowPCorrect);
    if (maxTokensPerStep < 1) throw new IllegalArgumentException("maxTokensPerStep must be >= 1, was " + maxTokensPerStep);
    mode(beamWidth, expansions, maxDepth); // validates the search's shape
  }

  /** {@return this route's search plan (at the default sampling; the policy sets the temperature)} */
  public Plan plan() {
    return Plan.deepSearch(mode(beamWidth, expansions, maxDepth), maxTokensPerStep);
  }

  /** {@return a route for {@code plan}, a step-confidence beam search, below {@code belowPCorrect}} */
  public static DeepSearchRoute of(Plan plan, double belowPCorrect) {
    if (!(plan.mode() instanceof Mode.DeepSearch ds) || ds.dvts()) {
      throw new IllegalArgumentException("a route goes to a DEEP_SEARCH beam search, not " + plan.describe());
    }
    return new DeepSearchRoute(belowPCorrect, ds.beamWidth(), ds.expansions(), ds.maxDepth(), plan.maxTokensPerSample());
  }

  private static Mode.DeepSearch mode(int beamWidth, int expansions, int maxDepth) {
    return new Mode.DeepSearch(beamWidth, expansions, maxDepth, Verifiers.stepConfidence(), false);
  }
}
