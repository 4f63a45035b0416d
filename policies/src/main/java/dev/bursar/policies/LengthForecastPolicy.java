package dev.bursar.policies;

import dev.bursar.controller.Budget;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Policy;
import dev.bursar.controller.Request;
import dev.bursar.controller.ThinkingExit;
import java.util.Objects;
import java.util.Set;

/**
 * Another policy's decisions, with budget forcing driven by the query's length forecast: a FAST plan
 * whose budget binds (it pays for less than one full sample), on a backend that can cancel a
 * sequence, for a query whose estimate has a length Gamma, gets
 * {@link ThinkingExit.LengthForecastForcing} in place of its budget forcing and probe convergence, so
 * a chain forecast to overrun the budget is cut at a step boundary rather than at the budget's edge.
 * The black-box counterpart of {@link RemainingLengthPolicy}. Every other plan is the inner policy's. Pure.
 */
public record LengthForecastPolicy(Policy inner) implements Policy {
  public LengthForecastPolicy {
    Objects.requireNonNull(inner, "inner");
  }

  @Override
  public Plan decide(Request request, Estimate estimate, Budget budget, Set<Capability> capabilities) {
    Plan plan = inner.decide(request, estimate, budget, capabilities);
    boolean forecast = estimate.lengthShape() > 0 && estimate.lengthScale() > 0;
    if (!Policies.fastUnderBindingBudget(plan, budget) || !forecast || !capabilities.contains(Capability.CANCELLATION)) return plan;
    return Policies.withForcing(plan,
        answerTokens -> new ThinkingExit.LengthForecastForcing(estimate.lengthShape(), estimate.lengthScale(), answerTokens));
  }

  @Override
  public String description() {
    return inner.description() + " + length-forecast forcing under a binding budget";
  }
}
