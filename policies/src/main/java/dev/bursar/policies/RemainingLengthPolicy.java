package dev.bursar.policies;

import dev.bursar.controller.Budget;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.LinearProbe;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Policy;
import dev.bursar.controller.Request;
import dev.bursar.controller.ThinkingExit;
import java.util.Objects;
import java.util.Set;

/**
 * Another policy's decisions, with budget forcing driven by a remaining-length head: a FAST plan
 * whose budget binds (it pays for less than one full sample) on a backend that gives hidden states
 * step by step gets {@link ThinkingExit.RemainingLengthForcing} in place of its budget forcing and
 * probe convergence, so a chain the head says cannot close inside the budget is cut at once rather
 * than at the budget's edge. Every other plan is the inner policy's, unchanged. Pure.
 *
 * @param inner the policy that decides the mode
 * @param head the remaining-length head ({@code bench live} writes {@code remaining-length.properties})
 */
public record RemainingLengthPolicy(Policy inner, LinearProbe head) implements Policy {
  public RemainingLengthPolicy {
    Objects.requireNonNull(inner, "inner");
    Objects.requireNonNull(head, "head");
  }

  @Override
  public Plan decide(Request request, Estimate estimate, Budget budget, Set<Capability> capabilities) {
    Plan plan = inner.decide(request, estimate, budget, capabilities);
    if (!Policies.fastUnderBindingBudget(plan, budget) || !capabilities.contains(Capability.HIDDEN_STATES)
        || !capabilities.contains(Capability.STEPWISE)) {
      return plan;
    }
    return Policies.withForcing(plan, answerTokens -> new ThinkingExit.RemainingLengthForcing(head, answerTokens));
  }

  @Override
  public String description() {
    return inner.description() + " + remaining-length forcing (layer " + head.layer() + ") under a binding budget";
  }
}
