package dev.bursar.policies;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Budget;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.LinearProbe;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.ThinkingExit;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class RemainingLengthPolicyTest {
  private static final Set<Capability> WHITE_BOX = EnumSet.allOf(Capability.class);
  private static final LinearProbe HEAD = new LinearProbe(2, 3, new double[] {1}, new double[] {0}, new double[] {1});
  private static final RemainingLengthPolicy POLICY =
      new RemainingLengthPolicy(Policies.presets(Policies.selfConsistencyDefault()), HEAD);

  private static Plan decide(Mode.Kind mode, long budget, Set<Capability> caps) {
    var request = Request.of("Q:1+1\n").withHints(Request.Hints.NONE.withMode(mode));
    return POLICY.decide(request, Estimate.UNKNOWN, Budget.ofTokens(budget), caps);
  }

  @Test
  void aFastPlanUnderABindingBudgetIsForcedByTheHeadInsteadOfAtTheEdge() {
    Plan plan = decide(Mode.Kind.FAST, 48, WHITE_BOX);
    assertThat(plan.mode()).isInstanceOf(Mode.Fast.class);
    // the presets' probe convergence and budget forcing give way to the head, with the same answer reserve
    assertThat(plan.exits()).containsExactly(new ThinkingExit.RemainingLengthForcing(HEAD, ThinkingExit.BudgetForcing.DEFAULT.answerTokens()));
    assertThat(POLICY.description()).contains("remaining-length forcing (layer 2)");
  }

  @Test
  void everyOtherPlanIsTheInnerPolicys() {
    var inner = Policies.presets(Policies.selfConsistencyDefault());
    var roomy = Request.of("Q:1+1\n").withHints(Request.Hints.NONE.withMode(Mode.Kind.FAST));
    // a budget that pays for a whole sample, self-consistency, a backend without hidden states
    assertThat(decide(Mode.Kind.FAST, 2_048, WHITE_BOX)).isEqualTo(inner.decide(roomy, Estimate.UNKNOWN, Budget.ofTokens(2_048), WHITE_BOX));
    assertThat(decide(Mode.Kind.SELF_CONSISTENCY, 48, WHITE_BOX).mode()).isInstanceOf(Mode.SelfConsistency.class);
    assertThat(decide(Mode.Kind.FAST, 48, EnumSet.of(Capability.STEPWISE)).exits())
        .noneMatch(e -> e instanceof ThinkingExit.RemainingLengthForcing);
  }
}
