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

final class PoliciesTest {
  private static final Set<Capability> WHITE_BOX = EnumSet.allOf(Capability.class);
  private static final Set<Capability> BLACK_BOX = EnumSet.of(Capability.LOGPROBS);

  private static Plan decide(Request.Hints hints, Set<Capability> caps) {
    return Policies.presets(Policies.selfConsistencyDefault())
        .decide(Request.of("Q:1+2\n").withHints(hints), Estimate.UNKNOWN, Budget.DEFAULT, caps);
  }

  @Test
  void decide_noHints_runsTheDefaultPlan() {
    assertThat(decide(Request.Hints.NONE, WHITE_BOX)).isEqualTo(Policies.selfConsistencyDefault());
  }

  @Test
  void decide_modeHint_picksThatModesPreset() {
    Plan fast = decide(Request.Hints.NONE.withMode(Mode.Kind.FAST), WHITE_BOX);
    assertThat(fast.mode()).isInstanceOf(Mode.Fast.class);
    assertThat(fast.exits()).contains(ThinkingExit.ProbeConvergence.DEFAULT, ThinkingExit.BudgetForcing.DEFAULT);
    assertThat(decide(Request.Hints.NONE.withMode(Mode.Kind.DEEP_SEARCH), WHITE_BOX).mode())
        .isInstanceOf(Mode.DeepSearch.class);
  }

  @Test
  void decide_fastOnABlackBoxBackend_dropsTheProbeExit() {
    Plan fast = decide(Request.Hints.NONE.withMode(Mode.Kind.FAST), BLACK_BOX);
    assertThat(fast.exits()).containsExactly(ThinkingExit.BudgetForcing.DEFAULT);
  }

  @Test
  void decide_capsAndSampling_areApplied() {
    Plan p = decide(new Request.Hints(null, null, 3, 40, 0.5, 7L), WHITE_BOX);
    assertThat(((Mode.SelfConsistency) p.mode()).maxSamples()).isEqualTo(3);
    assertThat(p.maxTokensPerSample()).isEqualTo(40);
    assertThat(p.sampling().temperature()).isEqualTo(0.5);
    assertThat(p.sampling().seed()).isEqualTo(7L);
    // a search step is only ever lowered by a token cap
    Plan ds = decide(new Request.Hints(Mode.Kind.DEEP_SEARCH, null, null, 500, null, null), WHITE_BOX);
    assertThat(ds.maxTokensPerSample()).isEqualTo(48);
  }

  @Test
  void description_namesTheDefault() {
    assertThat(Policies.presets(Policies.selfConsistencyDefault()).description())
        .isEqualTo("Presets{default SELF_CONSISTENCY(8, ac-beta 0.95)}");
  }
}
