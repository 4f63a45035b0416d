package dev.bursar.controller;

/**
 * What the policy decided for one query: a mode with its parameters and the sampling to use.
 *
 * @param mode FAST, SELF_CONSISTENCY or DEEP_SEARCH with its parameters
 * @param sampling sampling parameters of every draw
 * @param maxTokensPerSample cap on each sample's output tokens
 */
public record Plan(Mode mode, Sampling sampling, int maxTokensPerSample) {
  public Plan {
    if (maxTokensPerSample < 1) {
      throw new IllegalArgumentException("maxTokensPerSample must be >= 1, was " + maxTokensPerSample);
    }
  }

  public static Plan fast(int maxTokens) {
    return new Plan(new Mode.Fast(maxTokens), Sampling.GREEDY, maxTokens);
  }

  public static Plan selfConsistency(int maxSamples, StoppingRule stop, int maxTokensPerSample) {
    return new Plan(new Mode.SelfConsistency(maxSamples, 4, stop), Sampling.DEFAULT, maxTokensPerSample);
  }
}
