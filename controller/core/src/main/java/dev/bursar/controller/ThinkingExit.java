package dev.bursar.controller;

import java.util.Set;

/** A rule that ends one chain of thought early. docs/ALGORITHMS.md §4 (Dynasor-CoT) and budget forcing. */
public sealed interface ThinkingExit {

  /** {@return the signals the exit consumes} */
  Set<Signal> requires();

  /**
   * Probe-convergence (Dynasor-CoT): after every {@code everySteps} reasoning steps, append the
   * answer marker and read a short probe answer; stop when the last {@code k} probe answers agree,
   * are non-empty and contain no hesitation word (matched as whole words). The probes' tokens are
   * charged to the budget.
   */
  record ProbeConvergence(int k, int everySteps, int probeTokens) implements ThinkingExit {
    public static final ProbeConvergence DEFAULT = new ProbeConvergence(3, 1, 12);

    public ProbeConvergence {
      if (k < 2) throw new IllegalArgumentException("k must be >= 2, was " + k);
      if (everySteps < 1) throw new IllegalArgumentException("everySteps must be >= 1, was " + everySteps);
      if (probeTokens < 1) throw new IllegalArgumentException("probeTokens must be >= 1, was " + probeTokens);
    }

    @Override
    public Set<Signal> requires() {
      return Set.of(Signal.ANSWERS, Signal.STEPS);
    }
  }

  /**
   * Budget forcing: when the thinking would run past what the budget allows, cut it there and
   * force the answer marker, keeping {@code answerTokens} for the answer itself.
   */
  record BudgetForcing(int answerTokens) implements ThinkingExit {
    public static final BudgetForcing DEFAULT = new BudgetForcing(12);

    public BudgetForcing {
      if (answerTokens < 1) throw new IllegalArgumentException("answerTokens must be >= 1, was " + answerTokens);
    }

    @Override
    public Set<Signal> requires() {
      return Set.of(Signal.ANSWERS);
    }
  }

  /**
   * Budget forcing driven by a remaining-length head: the chain is generated step by step, and after
   * each step the head reads the hidden state at the step's end and predicts how many thinking tokens
   * are still to come ({@code exp(head) - 1}: it is fitted on {@code log(1 + remaining)}). When they
   * would not fit what the budget leaves after {@code answerTokens}, the thinking is cut there and the
   * answer forced, instead of spending the budget on a chain that cannot finish inside it; a chain
   * that reaches the budget's edge anyway is forced as {@link BudgetForcing} does.
   *
   * @param head the remaining-length head (its layer, and a linear output on the log scale)
   * @param answerTokens tokens kept for the forced answer
   */
  record RemainingLengthForcing(LinearProbe head, int answerTokens) implements ThinkingExit {
    public RemainingLengthForcing {
      java.util.Objects.requireNonNull(head, "head");
      if (answerTokens < 1) throw new IllegalArgumentException("answerTokens must be >= 1, was " + answerTokens);
    }

    /** {@return the thinking tokens the head predicts are still to come after hidden state {@code h}} */
    public double remaining(float[] h) {
      return Math.max(0, Math.expm1(head.linear(h)));
    }

    @Override
    public Set<Signal> requires() {
      return Set.of(Signal.ANSWERS, Signal.STEPS, Signal.HIDDEN_STATES);
    }

    /** Plans describe themselves with their exits: the head by its layer, not its weights. */
    @Override
    public String toString() {
      return "RemainingLengthForcing[head=layer " + head.layer() + ", answerTokens=" + answerTokens + "]";
    }
  }

  /**
   * Budget forcing driven by the query's length forecast, for any backend that can cancel a sequence
   * (no hidden states): the estimator's Gamma(shape, scale) over a sample's output tokens, given the
   * tokens already written, says at each step boundary how likely the chain is to run past the tokens
   * the budget allows it; when that is more likely than not, the thinking is cut there and the answer
   * forced, instead of at the budget's edge.
   *
   * @param shape the Gamma's shape ({@link Estimate#lengthShape()})
   * @param scale the Gamma's scale ({@link Estimate#lengthScale()})
   * @param answerTokens tokens kept for the forced answer
   */
  record LengthForecastForcing(double shape, double scale, int answerTokens) implements ThinkingExit {
    public LengthForecastForcing {
      if (!(shape > 0) || !(scale > 0) || Double.isInfinite(shape) || Double.isInfinite(scale)) {
        throw new IllegalArgumentException("the length forecast needs a Gamma with shape and scale > 0, was " + shape + ", " + scale);
      }
      if (answerTokens < 1) throw new IllegalArgumentException("answerTokens must be >= 1, was " + answerTokens);
    }

    /** {@return P(the chain runs past {@code limit} tokens | it has written {@code written} and goes on)} */
    public double overrunChance(double written, double limit) {
      if (limit <= written) return 1;
      return Math.min(1, Math.exp(GammaTail.logUpper(shape, limit / scale) - GammaTail.logUpper(shape, written / scale)));
    }

    @Override
    public Set<Signal> requires() {
      return Set.of(Signal.ANSWERS, Signal.CANCELLATION);
    }
  }
}
