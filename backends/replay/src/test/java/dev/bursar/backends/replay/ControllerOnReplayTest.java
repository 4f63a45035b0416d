package dev.bursar.backends.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.AnswerNormalizer;
import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.SelfConsistencyLoop;
import dev.bursar.controller.StoppingRule;
import dev.bursar.controller.StoppingRules;
import dev.bursar.controller.ThinkingExit;
import dev.bursar.controller.TraceRecord;
import dev.bursar.controller.TracePruning;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The controller's modes on recorded samples: with waves of one, SELF_CONSISTENCY must draw exactly
 * what the replay benchmark's loop draws, so live and offline numbers mean the same thing.
 */
final class ControllerOnReplayTest {

  private static Pool pool(long seed, int questions, int samples) {
    var rnd = new Random(seed);
    List<TraceRecord> records = new ArrayList<>();
    for (int q = 0; q < questions; q++) {
      List<TraceRecord.Sample> s = new ArrayList<>();
      for (int i = 0; i < samples; i++) {
        String a = rnd.nextInt(10) == 0 ? null : String.valueOf(rnd.nextInt(3));
        s.add(new TraceRecord.Sample("A: " + a, a, "0".equals(a), 5 + rnd.nextInt(50), null, null, null));
      }
      records.add(new TraceRecord(1, "p", q, "question " + q, "0", "m", "t", s, null, Map.of(), null));
    }
    return new Pool("p", java.nio.file.Path.of("p.jsonl"), records);
  }

  @Test
  void selfConsistency_drawsExactlyWhatTheReplayLoopDraws() {
    Pool pool = pool(7, 60, 12);
    for (StoppingRule rule : List.of(StoppingRules.beta(0.95), StoppingRules.esc(3), StoppingRules.never())) {
      var backend = new ReplayBackend(List.of(pool), SampleOrder.RANDOM, 3);
      var controller = ComputeController.builder().backend(backend)
          .plan(Plan.selfConsistency(new Mode.SelfConsistency(12, 1, rule, null, false), 10_000))
          .budget(Budget.ofTokens(1_000_000)).build();
      for (TraceRecord r : pool.records()) {
        Outcome out = controller.run(new Request(r.question(), Map.of("qid", Long.toString(r.qid()))));
        int[] idx = SampleOrder.RANDOM.indices(r.samples().size(), 3, r.qid());
        List<SelfConsistencyLoop.Sample> ordered = new ArrayList<>();
        for (int i : idx) {
          var s = r.samples().get(i);
          ordered.add(SelfConsistencyLoop.Sample.of(AnswerNormalizer.normalize(s.answer()), s.tokens()));
        }
        var expected = SelfConsistencyLoop.run(ordered.iterator(), rule, 12);
        assertThat(out.samples()).as("%s qid %d", rule, r.qid()).isEqualTo(expected.samples());
        assertThat(out.outputTokens()).isEqualTo(expected.tokens());
        if (out instanceof Outcome.Answered a) {
          assertThat(AnswerNormalizer.normalize(a.answer())).isEqualTo(expected.tally().leader());
        } else {
          assertThat(expected.tally().leader()).isNull();
        }
      }
    }
  }

  @Test
  void fast_servesOneRecordedSample_andTheBudgetCapsIt() {
    Pool pool = pool(1, 5, 4);
    var backend = new ReplayBackend(List.of(pool), SampleOrder.STORED, 0);
    var c = ComputeController.builder().backend(backend).plan(Plan.fast(1_000, ThinkingExit.BudgetForcing.DEFAULT))
        .budget(Budget.ofTokens(1_000)).build();
    var r = pool.records().getFirst();
    Outcome out = c.run(new Request(r.question(), Map.of("qid", "0")));
    assertThat(out.samples()).isEqualTo(1);
    assertThat(out.outputTokens()).isEqualTo(r.samples().getFirst().tokens());
  }

  @Test
  void replay_cannotFeedPruning_andTheControllerSaysSo() {
    var backend = new ReplayBackend(List.of(pool(1, 1, 2)), SampleOrder.STORED, 0);
    var plan = Plan.selfConsistency(new Mode.SelfConsistency(8, 4, StoppingRules.beta(0.95), TracePruning.DEFAULT, false), 100);
    Assertions.assertThatThrownBy(() -> ComputeController.builder().backend(backend).plan(plan).build())
        .hasMessageContaining("TOP_LOGPROBS").hasMessageContaining(backend.name());
  }
}
