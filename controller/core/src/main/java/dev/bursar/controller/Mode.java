package dev.bursar.controller;

/** How the controller spends compute on one query. */
public sealed interface Mode {

  /** {@return a short name for traces and telemetry} */
  String name();

  /** One sample, bounded length. */
  record Fast(int maxTokens) implements Mode {
    public Fast {
      if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
    }

    @Override public String name() { return "FAST"; }
  }

  /** Samples drawn in waves from one shared prefix, voted, stopped by a rule. */
  record SelfConsistency(int maxSamples, int wave, StoppingRule stop) implements Mode {
    public SelfConsistency {
      if (maxSamples < 1) throw new IllegalArgumentException("maxSamples must be >= 1, was " + maxSamples);
      if (wave < 1) throw new IllegalArgumentException("wave must be >= 1, was " + wave);
    }

    @Override public String name() { return "SELF_CONSISTENCY"; }
  }

  /** Step-level beam search scored by a verifier. */
  record DeepSearch(int beamWidth, int expansions, int maxDepth) implements Mode {
    public DeepSearch {
      if (beamWidth < 1) throw new IllegalArgumentException("beamWidth must be >= 1, was " + beamWidth);
      if (expansions < 1) throw new IllegalArgumentException("expansions must be >= 1, was " + expansions);
      if (maxDepth < 1) throw new IllegalArgumentException("maxDepth must be >= 1, was " + maxDepth);
    }

    @Override public String name() { return "DEEP_SEARCH"; }
  }
}
