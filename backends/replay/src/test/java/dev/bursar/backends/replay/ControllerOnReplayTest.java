package dev.bursar.backends.replay;

import dev.bursar.trace.Pool;
import dev.bursar.trace.TraceCodec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Answers;
import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.Tally;
import dev.bursar.controller.StoppingRule;
import dev.bursar.controller.StoppingRules;
import dev.bursar.controller.ThinkingExit;
import dev.bursar.trace.TraceRecord;
import dev.bursar.controller.TracePruning;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The controller's modes on recorded samples: with waves of one, SELF_CONSISTENCY must draw exactly
 * what Algorithm 1 of Adaptive-Consistency draws (ALGORITHMS.md §2: draw one sample, tally, ask the
 * rule, up to the rule's cap), written out independently below. The replay benchmark runs every
 * method through the controller, so this pins its numbers to the definition.
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
        Outcome out = controller.run(Request.of(r.question()).withMetadata(Map.of("qid", Long.toString(r.qid()))));
        int[] idx = SampleOrder.RANDOM.indices(r.samples().size(), 3, r.qid());
        // Algorithm 1, by hand: draw in order until the rule stops it or its cap is reached.
        var expected = new Tally();
        long tokens = 0;
        int cap = rule.cap(12);
        for (int i = 0; i < idx.length && expected.samples() < cap; i++) {
          var s = r.samples().get(idx[i]);
          expected.add(Answers.normalize(s.answer()));
          tokens += s.tokens();
          if (rule.shouldStop(expected)) break;
        }
        assertThat(out.spend().samples()).as("%s qid %d", rule, r.qid()).isEqualTo(expected.samples());
        assertThat(out.spend().outputTokens()).isEqualTo(tokens);
        if (out instanceof Outcome.Answered a) {
          assertThat(Answers.normalize(a.answer())).isEqualTo(expected.leader());
        } else {
          assertThat(expected.leader()).isNull();
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
    Outcome out = c.run(Request.of(r.question()).withMetadata(Map.of("qid", "0")));
    assertThat(out.spend().samples()).isEqualTo(1);
    assertThat(out.spend().outputTokens()).isEqualTo(r.samples().getFirst().tokens());
  }

  @Test
  void replay_cannotFeedPruning_andTheControllerSaysSo() {
    var backend = new ReplayBackend(List.of(pool(1, 1, 2)), SampleOrder.STORED, 0);
    var plan = Plan.selfConsistency(new Mode.SelfConsistency(8, 4, StoppingRules.beta(0.95), TracePruning.DEFAULT, false), 100);
    Assertions.assertThatThrownBy(() -> ComputeController.builder().backend(backend).plan(plan).build())
        .hasMessageContaining("TOP_LOGPROBS").hasMessageContaining(backend.name());
  }
}
