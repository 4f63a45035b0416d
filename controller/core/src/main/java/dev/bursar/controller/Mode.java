package dev.bursar.controller;

import java.util.EnumSet;
import java.util.Set;

/** How the controller spends compute on one query. */
public sealed interface Mode {

  /** {@return FAST, SELF_CONSISTENCY or DEEP_SEARCH} */
  default String name() {
    return kind().name();
  }

  /** {@return which of the three modes this is} */
  Kind kind();

  /** The three modes, as a client names them. */
  enum Kind {
    FAST, SELF_CONSISTENCY, DEEP_SEARCH
  }

  /** {@return the signals the mode's rules consume} */
  Set<Signal> requires();

  /** One sample, bounded length; thinking exits may end it early. */
  record Fast() implements Mode {
    @Override public Kind kind() { return Kind.FAST; }
    @Override public Set<Signal> requires() { return Set.of(Signal.ANSWERS); }
  }

  /**
   * Samples drawn in waves of {@code wave} from one shared prefix, voted, stopped by a rule.
   *
   * @param maxSamples cap on samples
   * @param wave samples generated in parallel per backend call
   * @param stop when to stop drawing
   * @param pruning DeepConf online pruning of weak traces, or null
   * @param weighted whether votes are weighted by trace confidence (needs token confidences)
   * @param greedyFirst whether the first sample is decoded greedily (temperature 0, alone in its wave)
   *     and the rest sampled: a question settled by FAST's own answer can stop after it at FAST's cost
   */
  record SelfConsistency(int maxSamples, int wave, StoppingRule stop, @org.jspecify.annotations.Nullable TracePruning pruning,
      boolean weighted, boolean greedyFirst) implements Mode {
    public SelfConsistency {
      if (maxSamples < 1) throw new IllegalArgumentException("maxSamples must be >= 1, was " + maxSamples);
      if (wave < 1) throw new IllegalArgumentException("wave must be >= 1, was " + wave);
    }

    /** Every sample drawn at the plan's sampling settings. */
    public SelfConsistency(int maxSamples, int wave, StoppingRule stop, @org.jspecify.annotations.Nullable TracePruning pruning,
        boolean weighted) {
      this(maxSamples, wave, stop, pruning, weighted, false);
    }

    public SelfConsistency(int maxSamples, StoppingRule stop) {
      this(maxSamples, Math.min(4, maxSamples), stop, null, false);
    }

    /** {@return a copy drawing at most {@code cap} samples} */
    public SelfConsistency withMaxSamples(int cap) {
      return new SelfConsistency(cap, Math.min(wave, cap), stop, pruning, weighted, greedyFirst);
    }

    @Override public Kind kind() { return Kind.SELF_CONSISTENCY; }

    @Override
    public Set<Signal> requires() {
      Set<Signal> s = EnumSet.copyOf(stop.requires());
      if (pruning != null) s.addAll(pruning.requires());
      if (weighted) s.add(Signal.TOP_LOGPROBS);
      return s;
    }
  }

  /**
   * Step-level beam search scored by a verifier: each of {@code beamWidth} beams expands
   * {@code expansions} candidate next steps, the verifier scores them, the best {@code beamWidth}
   * survive. With {@code dvts}, the beams are independent subtrees (diverse verifier tree search):
   * each keeps its own best child instead of competing for the global top.
   */
  record DeepSearch(int beamWidth, int expansions, int maxDepth, Verifier verifier, boolean dvts) implements Mode {
    public DeepSearch {
      if (beamWidth < 1) throw new IllegalArgumentException("beamWidth must be >= 1, was " + beamWidth);
      if (expansions < 1) throw new IllegalArgumentException("expansions must be >= 1, was " + expansions);
      if (maxDepth < 1) throw new IllegalArgumentException("maxDepth must be >= 1, was " + maxDepth);
    }

    @Override public Kind kind() { return Kind.DEEP_SEARCH; }

    @Override
    public Set<Signal> requires() {
      Set<Signal> s = EnumSet.of(Signal.ANSWERS, Signal.STEPS);
      s.addAll(verifier.requires());
      return s;
    }
  }
}
