package dev.bursar.controller;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What the policy decided for one query: a mode with its parameters, the sampling, the cap per
 * sample and the thinking exits that apply to each chain.
 *
 * @param mode FAST, SELF_CONSISTENCY or DEEP_SEARCH with its parameters
 * @param sampling sampling parameters of every draw (FAST with temperature 0 is greedy)
 * @param maxTokensPerSample cap on each sample's output tokens
 * @param exits thinking exits (FAST only)
 */
public record Plan(Mode mode, Sampling sampling, int maxTokensPerSample, List<ThinkingExit> exits) {
  public Plan {
    if (maxTokensPerSample < 1) {
      throw new IllegalArgumentException("maxTokensPerSample must be >= 1, was " + maxTokensPerSample);
    }
    exits = List.copyOf(exits);
    if (!exits.isEmpty() && !(mode instanceof Mode.Fast)) {
      throw new IllegalArgumentException("thinking exits apply to FAST only, not " + mode.name());
    }
  }

  public static Plan fast(int maxTokens, ThinkingExit... exits) {
    return new Plan(new Mode.Fast(), Sampling.GREEDY, maxTokens, List.of(exits));
  }

  public static Plan selfConsistency(Mode.SelfConsistency mode, int maxTokensPerSample) {
    return new Plan(mode, Sampling.DEFAULT, maxTokensPerSample, List.of());
  }

  public static Plan deepSearch(Mode.DeepSearch mode, int maxTokensPerStep) {
    return new Plan(mode, Sampling.DEFAULT, maxTokensPerStep, List.of());
  }

  public Plan withSampling(Sampling s) {
    return new Plan(mode, s, maxTokensPerSample, exits);
  }

  /**
   * {@return this plan with a client's hints applied}: the sample cap of self-consistency lowered to
   * {@code maxSamples}, each sample capped at {@code maxTokensPerSample} (a search step only ever
   * lowered), and the temperature and seed replaced. The mode hint and the budget are not the plan's
   * to apply: the policy picks the mode, the controller enforces the budget.
   */
  public Plan honouring(Request.Hints hints) {
    Mode m = mode;
    if (hints.maxSamples() != null && m instanceof Mode.SelfConsistency sc && hints.maxSamples() < sc.maxSamples()) {
      m = sc.withMaxSamples(hints.maxSamples());
    }
    int cap = maxTokensPerSample;
    if (hints.maxTokensPerSample() != null) {
      cap = m instanceof Mode.DeepSearch ? Math.min(hints.maxTokensPerSample(), cap) : hints.maxTokensPerSample();
    }
    Sampling s = sampling;
    if (hints.temperature() != null) s = s.withTemperature(hints.temperature());
    if (hints.seed() != null) s = s.withSeed(hints.seed());
    return new Plan(m, s, cap, exits);
  }

  /** {@return every signal the plan's mode and exits consume} */
  public Set<Signal> requires() {
    Set<Signal> s = EnumSet.copyOf(mode.requires());
    for (ThinkingExit e : exits) s.addAll(e.requires());
    return s;
  }

  /** What {@link #describe()} says of self-consistency whose first sample is greedy: traces are read back by it. */
  public static final String GREEDY_FIRST = "greedy first";

  /** {@return a one-line description for traces, e.g. {@code SELF_CONSISTENCY(16, ac-beta 0.95)}} */
  public String describe() {
    return switch (mode) {
      case Mode.Fast f -> "FAST(" + maxTokensPerSample + (exits.isEmpty() ? "" : ", " + exits) + ")";
      case Mode.SelfConsistency sc -> "SELF_CONSISTENCY(" + sc.maxSamples() + ", " + sc.stop().family()
          + (sc.stop().param() == null ? "" : " " + sc.stop().param())
          + (sc.pruning() == null ? "" : ", " + sc.pruning()) + (sc.weighted() ? ", weighted" : "")
          + (sc.greedyFirst() ? ", " + GREEDY_FIRST : "") + ")";
      case Mode.DeepSearch ds -> "DEEP_SEARCH(" + (ds.dvts() ? "dvts " : "beam ") + ds.beamWidth() + "x"
          + ds.expansions() + ", depth " + ds.maxDepth() + ", " + ds.verifier().name() + ")";
    };
  }
}
