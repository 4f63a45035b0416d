package dev.bursar.controller;

/**
 * Why a request stopped spending, in the order the exits fired. {@link #label()} is the stable
 * string of reports, traces and the sidecar's {@code bursar.exits} ({@code "ac-beta-stop"},
 * {@code "deadline"}, {@code "pruned:3"}).
 */
public sealed interface ExitReason {

  /** {@return the stable label of this exit} */
  String label();

  /** A limit ran out or was reached. */
  enum Limit implements ExitReason {
    /** The request's deadline passed. */
    DEADLINE("deadline"),
    /** The output-token budget could not pay for another draw. */
    BUDGET("budget"),
    /** A sample reached its per-sample token cap. */
    LENGTH("length"),
    /** Self-consistency drew its sample cap. */
    MAX_SAMPLES("max-samples"),
    /** The search reached its depth cap. */
    MAX_DEPTH("max-depth"),
    /** The backend had no more samples to give (a recorded source ran out). */
    EXHAUSTED("exhausted");

    private final String label;

    Limit(String label) {
      this.label = label;
    }

    @Override public String label() { return label; }
  }

  /** An early exit that ended the thinking with an answer. */
  enum Early implements ExitReason {
    /** The chain was cut at the budget and its answer forced (budget forcing). */
    BUDGET_FORCED("budget-forced"),
    /** A length prediction (the remaining-length head, or the query's length forecast) said the chain could not finish inside the budget: cut there, its answer forced. */
    LENGTH_FORCED("length-forced"),
    /** The vote was decided while samples of the wave were still running: those were cancelled. */
    VOTE_DECIDED("vote-decided"),
    /** Probe answers at step boundaries agreed (Dynasor-CoT). */
    PROBE_CONVERGED("probe-converged"),
    /** The search found a complete candidate. */
    SEARCH_ANSWERED("answered"),
    /** The search stopped and the best beam's answer was forced. */
    SEARCH_FORCED("forced");

    private final String label;

    Early(String label) {
      this.label = label;
    }

    @Override public String label() { return label; }
  }

  /**
   * A self-consistency stopping rule fired.
   *
   * @param family the rule's family ({@link StoppingRule#family()}): ac-beta, esc, ...
   */
  record RuleStop(String family) implements ExitReason {
    @Override public String label() { return family + "-stop"; }
  }

  /**
   * DeepConf online pruning cut weak traces.
   *
   * @param traces how many traces were cut
   */
  record Pruned(int traces) implements ExitReason {
    @Override public String label() { return "pruned:" + traces; }
  }
}
