package dev.bursar.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.controller.Tally;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

final class BayesianStopTest {

  private static List<@Nullable String> answers(String... keys) {
    List<@Nullable String> out = new ArrayList<>();
    for (String k : keys) out.add(k);
    return out;
  }

  private static Tally tally(@Nullable String... keys) {
    var t = new Tally();
    for (String k : keys) t.add(k);
    return t;
  }

  /** Past questions that are always unanimous: one answer settles a question. */
  private static List<List<@Nullable String>> unanimous() {
    List<List<@Nullable String>> past = new ArrayList<>();
    for (int q = 0; q < 20; q++) past.add(answers(Collections.nCopies(8, "a" + q).toArray(String[]::new)));
    return past;
  }

  /** Past questions split 5 to 3 between two answers: the first sample often is not the most frequent. */
  private static List<List<@Nullable String>> split() {
    List<List<@Nullable String>> past = new ArrayList<>();
    for (int q = 0; q < 20; q++) past.add(answers("x", "x", "x", "x", "x", "y", "y", "y"));
    return past;
  }

  @Test
  void aWorkloadOfSettledQuestionsStopsAfterOneAnswer() {
    var prior = BayesianStop.fit(unanimous(), 8);
    assertThat(prior.rule(0.1).shouldStop(tally())).isFalse();
    assertThat(prior.rule(0.1).shouldStop(tally("7"))).isTrue();
    // A past question keeps some room for answers it never gave, so a cheap second sample confirms.
    var cheap = prior.rule(0.01);
    assertThat(cheap.shouldStop(tally("7"))).isFalse();
    assertThat(cheap.shouldStop(tally("7", "7"))).isTrue();
    assertThat(cheap.confidence(tally("7", "7"))).isGreaterThan(0.99);
  }

  @Test
  void aWorkloadOfSplitQuestionsDrawsOnWhenSamplesAreCheapAndStopsWhenDear() {
    var prior = BayesianStop.fit(split(), 8);
    var cheap = prior.rule(0.001);
    var dear = prior.rule(0.5);
    assertThat(cheap.shouldStop(tally("x"))).isFalse();
    assertThat(cheap.shouldStop(tally("x", "y"))).isFalse();
    assertThat(dear.shouldStop(tally("x"))).isTrue();
    // A lead the remaining samples cannot overturn is worth stopping at even when samples are cheap.
    assertThat(cheap.shouldStop(tally("x", "x", "x", "x", "x", "y"))).isTrue();
    assertThat(cheap.shouldStop(tally("x", "x", "x", "x", "x", "x", "x", "x"))).isTrue();
    assertThat(cheap.cap(16)).isEqualTo(8);
    assertThat(cheap.family()).isEqualTo("bayes-stop");
    assertThat(cheap.param()).isEqualTo(0.001);
  }

  @Test
  void theRewardIsAProbabilityAndTheNextSampleADistribution() {
    var prior = BayesianStop.fit(split(), 8);
    for (int i = 0; i < prior.reward().length; i++) {
      assertThat(prior.reward()[i]).isBetween(0.0, 1.0);
      assertThat(prior.nextLeader()[i] + prior.nextSecond()[i]).isBetween(0.0, 1.0 + 1e-9);
    }
    // Samples without an answer count as neither leader nor runner-up.
    var rule = prior.rule(0.001);
    assertThat(rule.shouldStop(tally((String) null, null))).isFalse();
    assertThat(rule.confidence(tally((String) null))).isNaN();
  }

  @Test
  void badInputIsRefusedByName() {
    assertThatThrownBy(() -> BayesianStop.fit(List.of(), 8)).hasMessageContaining("no past question");
    assertThatThrownBy(() -> BayesianStop.fit(split(), BayesianStop.MAX_CAP + 1)).hasMessageContaining("cap must be in [1, 64]");
    assertThatThrownBy(() -> BayesianStop.fit(split(), 8).rule(-1)).hasMessageContaining("cost must be >= 0");
  }
}
