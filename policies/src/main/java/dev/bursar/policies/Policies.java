package dev.bursar.policies;

import dev.bursar.controller.Budget;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Policy;
import dev.bursar.controller.Request;
import dev.bursar.controller.Signal;
import dev.bursar.controller.StoppingRules;
import dev.bursar.controller.ThinkingExit;
import dev.bursar.controller.Verifiers;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The built-in policies. Today they are the fixed plans the sidecar has always served; the
 * estimate-driven policies plug in beside them.
 *
 * <ul>
 *   <li>{@link #selfConsistencyDefault()}: Adaptive-Consistency (Beta posterior, stop at 0.95) over
 *       at most 8 samples drawn in waves of 4, each at most 192 tokens: the sidecar's default plan.
 *   <li>{@link #presets(Plan)}: that plan, or the plan of the mode a client names with
 *       {@code "bursar":{"mode":...}}.
 * </ul>
 */
public final class Policies {
  /** Tokens per sample of the presets: room for the embedded model's longest chain of thought (192 tokens with the prompt). */
  static final int TOKENS_PER_SAMPLE = 192;

  private static final Plan SELF_CONSISTENCY =
      Plan.selfConsistency(new Mode.SelfConsistency(8, 4, StoppingRules.beta(0.95), null, false), TOKENS_PER_SAMPLE);

  private Policies() {}

  /** {@return Adaptive-Consistency Beta 0.95 over at most 8 samples in waves of 4, 192 tokens each} */
  public static Plan selfConsistencyDefault() {
    return SELF_CONSISTENCY;
  }

  /**
   * {@return the policy that runs {@code defaultPlan}, or the preset of the mode a client asks for}:
   * FAST with probe convergence (when the backend generates step by step) and budget forcing;
   * SELF_CONSISTENCY as {@link #selfConsistencyDefault()}; DEEP_SEARCH as a beam search of 4 beams
   * expanding 2 steps each, 16 deep, 48 tokens a step, scored by step confidence. The client's caps
   * and sampling are applied to whichever plan runs.
   */
  public static Policy presets(Plan defaultPlan) {
    return new Presets(Objects.requireNonNull(defaultPlan, "defaultPlan"));
  }

  /** The sidecar's presets: the default plan, or the named mode's. Pure and instant. */
  record Presets(Plan defaultPlan) implements Policy {
    @Override
    public Plan decide(Request request, Estimate estimate, Budget budget, Set<Capability> capabilities) {
      Mode.Kind mode = request.hints().mode();
      Plan plan = mode == null ? defaultPlan : switch (mode) {
        case SELF_CONSISTENCY -> SELF_CONSISTENCY;
        case FAST -> Signal.availableFrom(capabilities).contains(Signal.STEPS)
            ? Plan.fast(TOKENS_PER_SAMPLE, ThinkingExit.ProbeConvergence.DEFAULT, ThinkingExit.BudgetForcing.DEFAULT)
            : Plan.fast(TOKENS_PER_SAMPLE, ThinkingExit.BudgetForcing.DEFAULT);
        case DEEP_SEARCH -> Plan.deepSearch(new Mode.DeepSearch(4, 2, 16, Verifiers.stepConfidence(), false), 48);
      };
      return plan.honouring(request.hints());
    }

    @Override
    public String description() {
      return "Presets{default " + defaultPlan.describe() + "}";
    }
  }

  /** {@return whether {@code plan} is FAST under a budget that pays for less than one full sample} */
  static boolean fastUnderBindingBudget(Plan plan, Budget budget) {
    return plan.mode() instanceof Mode.Fast && budget.outputTokens() < plan.maxTokensPerSample();
  }

  /**
   * {@return {@code plan} with its budget forcing and probe convergence replaced by {@code forcing}}, which
   * gets the answer reserve of the budget forcing it replaces (the default's when there was none)
   */
  static Plan withForcing(Plan plan, java.util.function.IntFunction<ThinkingExit> forcing) {
    int answerTokens = ThinkingExit.BudgetForcing.DEFAULT.answerTokens();
    List<ThinkingExit> exits = new java.util.ArrayList<>();
    for (ThinkingExit e : plan.exits()) {
      if (e instanceof ThinkingExit.BudgetForcing f) answerTokens = f.answerTokens();
      else if (!(e instanceof ThinkingExit.ProbeConvergence)) exits.add(e);
    }
    exits.add(forcing.apply(answerTokens));
    return new Plan(plan.mode(), plan.sampling(), plan.maxTokensPerSample(), exits);
  }
}
