package dev.bursar.controller;

import java.util.Set;

/** The step verifiers DEEP_SEARCH can use. */
public final class Verifiers {
  private Verifiers() {}

  /** The model's own confidence in the step: the mean log-probability of its tokens. Any backend with logprobs. */
  public static Verifier stepConfidence() {
    return new Verifier() {
      @Override public String name() { return "step-confidence"; }
      @Override public Set<Signal> requires() { return Set.of(Signal.LOGPROBS); }

      @Override
      public double score(Backend backend, String prompt, String thinking, Generation step) {
        return step.meanLogprob();
      }
    };
  }

  /**
   * A process reward probe on the hidden state at the end of the step (white-box backends): the
   * probability that every step so far is correct.
   */
  public static Verifier hiddenStateProbe(LinearProbe probe) {
    return new Verifier() {
      @Override public String name() { return "prm-probe"; }
      @Override public Set<Signal> requires() { return Set.of(Signal.HIDDEN_STATES); }

      @Override
      public double score(Backend backend, String prompt, String thinking, Generation step) {
        var wb = (WhiteBoxBackend) backend;
        return probe.score(wb.hiddenStates(prompt + thinking, probe.layer(), new int[] {-1})[0]);
      }
    };
  }
}
