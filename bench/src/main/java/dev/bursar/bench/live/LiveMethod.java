package dev.bursar.bench.live;

import dev.bursar.backends.djl.train.Evaluator;
import dev.bursar.controller.Budget;
import dev.bursar.controller.LinearProbe;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.StoppingRules;
import dev.bursar.controller.ThinkingExit;
import dev.bursar.controller.TracePruning;
import dev.bursar.controller.Verifiers;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A plan the live benchmark runs on every problem.
 *
 * @param name label in reports
 * @param family fast, sc, ac-beta, deepconf, deep-search, fast-probe, fast-forcing
 * @param param the family's parameter (k, threshold, beam width, budget), or null
 * @param plan the plan (for a policy: its fallback); its sampling seed is replaced per problem
 * @param budget the request budget
 * @param policy a fitted policy deciding per problem (bursar's families), or null for the fixed plan
 * @param estimator the estimator the policy reads, or null
 */
record LiveMethod(String name, String family, @Nullable Double param, Plan plan, Budget budget,
    dev.bursar.controller.@Nullable Policy policy, dev.bursar.controller.@Nullable Estimator estimator) {

  LiveMethod(String name, String family, @Nullable Double param, Plan plan, Budget budget) {
    this(name, family, param, plan, budget, null, null);
  }

  static final int MAX_TOKENS = Evaluator.MAX_TOKENS;
  /** The temperature the sampled fixed plans draw at unless {@code --temperature} says otherwise (the model card's). */
  static final double TEMPERATURE = 0.8;
  static final Budget ROOMY = Budget.ofTokens(16_384);
  /** The embedded model's answers are at most a sign, 6 digits and a newline. */
  static final int ANSWER_TOKENS = 8;

  /** The methods of issue 4; the probe verifier only when a probe is given. */
  static List<LiveMethod> all(@Nullable LinearProbe probe, int forcedBudget, double temperature) {
    Sampling sampling = sampling(temperature);
    List<LiveMethod> m = new ArrayList<>();
    m.add(new LiveMethod("FAST (greedy)", "fast", null, Evaluator.greedyPlan(), ROOMY));
    m.add(sc("SC@4", 4, temperature));
    m.add(sc("SC@16", 16, temperature));
    m.add(new LiveMethod("SC + AC-Beta 0.95 (max 16)", "ac-beta", 0.95,
        Plan.selfConsistency(new Mode.SelfConsistency(16, 4, StoppingRules.beta(0.95), null, false), MAX_TOKENS)
            .withSampling(sampling), ROOMY));
    m.add(new LiveMethod("SC@16 + DeepConf pruning (eta 90, window 8)", "deepconf", 90.0,
        Plan.selfConsistency(new Mode.SelfConsistency(16, 4, StoppingRules.never(), new TracePruning(4, 90, 8), true),
            MAX_TOKENS).withSampling(sampling), ROOMY));
    m.add(new LiveMethod("DEEP_SEARCH beam 2x4, step confidence", "deep-search-confidence", 2.0, deepSearch(temperature), ROOMY));
    if (probe != null) {
      m.add(new LiveMethod("DEEP_SEARCH beam 2x4, PRM probe", "deep-search-prm", 2.0,
          Plan.deepSearch(new Mode.DeepSearch(2, 4, 12, Verifiers.hiddenStateProbe(probe), false), 40)
              .withSampling(sampling), ROOMY));
      m.add(new LiveMethod("DVTS 4 subtrees x2, PRM probe", "dvts-prm", 4.0,
          Plan.deepSearch(new Mode.DeepSearch(4, 2, 12, Verifiers.hiddenStateProbe(probe), true), 40)
              .withSampling(sampling), ROOMY));
    }
    m.add(new LiveMethod("FAST + probe convergence (k=2)", "fast-probe", 2.0,
        Plan.fast(MAX_TOKENS, new ThinkingExit.ProbeConvergence(2, 1, 10)), ROOMY));
    m.add(new LiveMethod("FAST + budget forcing (" + forcedBudget + " tokens)", "fast-forcing", (double) forcedBudget,
        Plan.fast(MAX_TOKENS, new ThinkingExit.BudgetForcing(ANSWER_TOKENS)), Budget.ofTokens(forcedBudget)));
    m.add(new LiveMethod("FAST, no exit (" + forcedBudget + " tokens)", "fast-capped", (double) forcedBudget,
        Plan.fast(MAX_TOKENS), Budget.ofTokens(forcedBudget)));
    return m;
  }

  private static LiveMethod sc(String name, int k, double temperature) {
    // the model card's plans, so its greedy and SC@k rows are these on the same problems
    return new LiveMethod(name, "sc", (double) k, Evaluator.selfConsistencyPlan(k, temperature), ROOMY);
  }

  /** {@return the step-confidence beam search (2 beams x 4 expansions), which bursar's policy may also hand a query to} */
  static Plan deepSearch(double temperature) {
    return Plan.deepSearch(new Mode.DeepSearch(2, 4, 12, Verifiers.stepConfidence(), false), 40).withSampling(sampling(temperature));
  }

  /** {@return the sampling of every sampled plan at {@code temperature} (a per-problem seed comes with each request)} */
  static Sampling sampling(double temperature) {
    return new Sampling(temperature, 1.0, 0, 0);
  }
}
