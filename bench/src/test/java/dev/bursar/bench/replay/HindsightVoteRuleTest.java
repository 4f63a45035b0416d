package dev.bursar.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.trace.TraceRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class HindsightVoteRuleTest {
  /** Sample i costs 10 (i + 1) tokens, so where a rule stops shows in the tokens. */
  private static TraceRecord question(long qid, String... answers) {
    List<TraceRecord.Sample> s = new ArrayList<>();
    for (int i = 0; i < answers.length; i++) s.add(new TraceRecord.Sample("A: " + answers[i], answers[i], answers[i].equals("7"), 10 * (i + 1), null, null, null));
    return new TraceRecord(1, "fixture", qid, "q" + qid, "7", "m", "t", s, null, Map.of(), null);
  }

  private static ReplayResults.MethodResult at(List<ReplayResults.MethodResult> points, String family, double lambda) {
    return points.stream().filter(p -> p.family().equals(family) && p.param() == lambda).findFirst().orElseThrow();
  }

  @Test
  void theVoteAloneCannotTellAnEasyQuestionFromAHardOneAfterOneSample_butItsAgreementCan() {
    List<TraceRecord> test = new ArrayList<>();
    for (int q = 0; q < 10; q++) {
      // Easy: unanimous. Hard: the first answer is wrong, the majority right from the third sample on.
      test.add(q % 2 == 0 ? question(q, "7", "7", "7", "7", "7", "7") : question(q, "3", "7", "7", "3", "7", "7"));
    }
    var points = HindsightVoteRule.measure(test, SampleOrder.STORED, 1);
    double lambda = HindsightVoteRule.LAMBDAS[1];

    var vote = at(points, HindsightVoteRule.VOTE, lambda);
    // After one sample both kinds look alike (one vote): draw on. Easy ones stop at two agreeing votes
    // (10 + 20 tokens), hard ones once the right answer leads (10 + 20 + 30); SC@6 would spend 210.
    assertThat(vote.accuracy()).isEqualTo(1.0);
    assertThat(vote.tokens()).isEqualTo((30 + 60) / 2.0);
    var agreement = at(points, HindsightVoteRule.AGREEMENT, lambda);
    // Told the agreement, an easy question stops at its first sample.
    assertThat(agreement.accuracy()).isEqualTo(1.0);
    assertThat(agreement.tokens()).isEqualTo((10 + 60) / 2.0);
  }

  @Test
  void whereDrawingOnNeverChangesWhetherTheVoteIsRight_everyPointStopsAtTheFirstSample() {
    // A hopeless question (its first answer stays the majority, and it is wrong) and a settled one.
    List<TraceRecord> test = List.of(question(0, "3", "3", "7"), question(1, "7", "7", "7"));
    var points = HindsightVoteRule.measure(test, SampleOrder.STORED, 1);
    assertThat(points).hasSize(2 * HindsightVoteRule.LAMBDAS.length)
        .extracting(ReplayResults.MethodResult::family).containsOnly(HindsightVoteRule.VOTE, HindsightVoteRule.AGREEMENT);
    assertThat(points).allSatisfy(p -> {
      assertThat(p.samples()).isEqualTo(1.0);
      assertThat(p.accuracy()).isEqualTo(0.5);
    });
  }
}
