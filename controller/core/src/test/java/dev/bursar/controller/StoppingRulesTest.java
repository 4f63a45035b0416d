package dev.bursar.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

final class StoppingRulesTest {

  /** Numerical integration of the Beta(v1+1, v2+1) density above 1/2: the definition, independent of the closed form. */
  private static double betaTailByQuadrature(int v1, int v2) {
    int steps = 200_000;
    double above = 0, all = 0;
    for (int i = 0; i < steps; i++) {
      double x = (i + 0.5) / steps;
      double f = Math.exp(v1 * Math.log(x) + v2 * Math.log(1 - x));
      all += f;
      if (x > 0.5) above += f;
    }
    return above / all;
  }

  @Test
  void betaMajorityProbability_matchesQuadratureOfTheDefinition() {
    for (int v1 = 0; v1 <= 12; v1++) {
      for (int v2 = 0; v2 <= v1; v2++) {
        assertThat(StoppingRules.betaMajorityProbability(v1, v2))
            .as("v1=%d v2=%d", v1, v2)
            .isCloseTo(betaTailByQuadrature(v1, v2), within(1e-6));
      }
    }
  }

  @Test
  void betaMajorityProbability_knownValues() {
    assertThat(StoppingRules.betaMajorityProbability(4, 0)).isCloseTo(31.0 / 32, within(1e-12));
    assertThat(StoppingRules.betaMajorityProbability(5, 0)).isCloseTo(63.0 / 64, within(1e-12));
    assertThat(StoppingRules.betaMajorityProbability(3, 3)).isCloseTo(0.5, within(1e-12));
    assertThat(StoppingRules.betaMajorityProbability(2000, 1000)).isCloseTo(1.0, within(1e-9));
  }

  /** The table of minimum counts at threshold 0.95 in docs/ALGORITHMS.md §2.1. */
  @Test
  void beta_095_stopsAtTheDocumentedMinimumCounts() {
    int[][] table = {{0, 4}, {1, 6}, {2, 8}, {3, 9}, {4, 11}, {5, 12}};
    var rule = StoppingRules.beta(0.95);
    for (int[] row : table) {
      int v2 = row[0], minV1 = row[1];
      assertThat(rule.shouldStop(tally(minV1, v2))).as("v2=%d v1=%d", v2, minV1).isTrue();
      assertThat(rule.shouldStop(tally(minV1 - 1, v2))).as("v2=%d v1=%d", v2, minV1 - 1).isFalse();
    }
  }

  @Test
  void beta_ignoresSamplesWithoutAnswers() {
    var t = new Tally();
    for (int i = 0; i < 20; i++) t.add(null);
    assertThat(StoppingRules.beta(0.95).shouldStop(t)).isFalse();
  }

  @Test
  void esc_stopsOnlyAfterAUnanimousCompleteWindow() {
    var rule = StoppingRules.esc(3);
    var t = new Tally();
    t.add("a"); t.add("a");
    assertThat(rule.shouldStop(t)).isFalse();
    t.add("a");
    assertThat(rule.shouldStop(t)).isTrue();

    var mixed = new Tally();
    for (String k : List.of("a", "b", "a", "a", "a", "b")) mixed.add(k);
    assertThat(rule.shouldStop(mixed)).isFalse();
  }

  @Test
  void esc_windowWithMissingAnswerIsNotUnanimous() {
    var t = new Tally();
    t.add(null); t.add(null);
    assertThat(StoppingRules.esc(2).shouldStop(t)).isFalse();
  }

  @Test
  void esc_capIsWholeWindowsOfTheMaximum() {
    assertThat(StoppingRules.esc(3).cap(10)).isEqualTo(9);
    assertThat(StoppingRules.esc(5).cap(40)).isEqualTo(40);
    assertThat(StoppingRules.esc(8).cap(5)).isEqualTo(5);
  }

  @Test
  void dirichlet_agreesWithBetaOnTwoAnswersAndIsDeterministic() {
    var d = StoppingRules.dirichlet(0.95, 7);
    assertThat(d.shouldStop(tally(4, 0))).isTrue();
    assertThat(d.shouldStop(tally(3, 0))).isFalse();
    var three = tally(9, 1);
    three.add("z");
    boolean first = d.shouldStop(three);
    assertThat(d.shouldStop(three)).isEqualTo(first);
    assertThat(first).isTrue();
    var close = tally(3, 2);
    close.add("z");
    assertThat(d.shouldStop(close)).isFalse();
  }

  @Test
  void invalidParameters_failWithTheValue() {
    assertThatThrownBy(() -> StoppingRules.beta(0.3)).hasMessageContaining("0.3");
    assertThatThrownBy(() -> StoppingRules.esc(0)).hasMessageContaining("was 0");
  }

  @Test
  void selfConsistency_stopsWhenTheRuleFires_andChargesEveryDrawnSample() {
    // Sample i (0-based) answers x in 10*(i+1) tokens: one token per character.
    var backend = FakeBackend.of((prompt, i) -> "A:x" + " ".repeat(10 * (i + 1) - 3));
    var beta = new Mode.SelfConsistency(5, 1, StoppingRules.beta(0.95), null, false);
    var r = (Outcome.Answered) ComputeController.builder().backend(backend).plan(Plan.selfConsistency(beta, 100))
        .budget(Budget.ofTokens(10_000)).build().run(Request.of("Q"));
    assertThat(r.spend().samples()).isEqualTo(4);
    assertThat(r.spend().outputTokens()).isEqualTo(100);
    assertThat(r.exits()).containsExactly(new ExitReason.RuleStop("ac-beta"));
    assertThat(r.answer()).isEqualTo("x");

    var never = new Mode.SelfConsistency(3, 1, StoppingRules.never(), null, false);
    var all = ComputeController.builder().backend(FakeBackend.of((prompt, i) -> "A:x")).plan(Plan.selfConsistency(never, 100))
        .build().run(Request.of("Q"));
    assertThat(all.spend().samples()).isEqualTo(3);
    assertThat(all.exits()).containsExactly(ExitReason.Limit.MAX_SAMPLES);
  }

  private static Tally tally(int v1, int v2) {
    var t = new Tally();
    for (int i = 0; i < v1; i++) t.add("a");
    for (int i = 0; i < v2; i++) t.add("b");
    return t;
  }

  @Test
  void decided_stopsOnlyWhenTheRemainingDrawsCannotChangeTheMajority() {
    var rule = StoppingRules.decided(10);
    assertThat(rule.shouldStop(tally(5, 0))).isFalse(); // 5 left, margin 5: a 5-5 tie is still possible
    assertThat(rule.shouldStop(tally(6, 0))).isTrue(); // 4 left, margin 6
    assertThat(rule.shouldStop(tally(5, 2))).isFalse(); // 3 left, margin 3
    assertThat(rule.shouldStop(tally(6, 2))).isTrue(); // 2 left, margin 4
    var either = StoppingRules.anyOf(StoppingRules.beta(0.99), StoppingRules.decided(10));
    assertThat(either.shouldStop(tally(6, 2))).isTrue();
    assertThat(either.family()).isEqualTo("ac-beta");
  }
}
