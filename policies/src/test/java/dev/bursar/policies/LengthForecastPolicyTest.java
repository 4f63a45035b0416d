package dev.bursar.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Budget;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.ThinkingExit;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class LengthForecastPolicyTest {
  private static final Set<Capability> CANCELS = EnumSet.of(Capability.CANCELLATION, Capability.STEPWISE);
  private static final Estimate FORECAST = new Estimate(0.8, 4, 15, "test");
  private static final LengthForecastPolicy POLICY = new LengthForecastPolicy(Policies.presets(Policies.selfConsistencyDefault()));

  private static Plan decide(Mode.Kind mode, Estimate estimate, long budget, Set<Capability> caps) {
    var request = Request.of("Q:1+1\n").withHints(Request.Hints.NONE.withMode(mode));
    return POLICY.decide(request, estimate, Budget.ofTokens(budget), caps);
  }

  @Test
  void aFastPlanUnderABindingBudgetIsForcedByTheQuerysLengthForecast() {
    Plan plan = decide(Mode.Kind.FAST, FORECAST, 48, CANCELS);
    assertThat(plan.exits()).containsExactly(new ThinkingExit.LengthForecastForcing(4, 15, ThinkingExit.BudgetForcing.DEFAULT.answerTokens()));
  }

  @Test
  void withoutAForecastCancellationOrABindingBudgetThePlanIsTheInnerPolicys() {
    assertThat(decide(Mode.Kind.FAST, Estimate.UNKNOWN, 48, CANCELS).exits()).noneMatch(e -> e instanceof ThinkingExit.LengthForecastForcing);
    assertThat(decide(Mode.Kind.FAST, FORECAST, 48, EnumSet.of(Capability.STEPWISE)).exits())
        .noneMatch(e -> e instanceof ThinkingExit.LengthForecastForcing);
    assertThat(decide(Mode.Kind.FAST, FORECAST, 2_048, CANCELS).exits()).noneMatch(e -> e instanceof ThinkingExit.LengthForecastForcing);
    assertThat(decide(Mode.Kind.SELF_CONSISTENCY, FORECAST, 48, CANCELS).mode()).isInstanceOf(Mode.SelfConsistency.class);
  }
}
