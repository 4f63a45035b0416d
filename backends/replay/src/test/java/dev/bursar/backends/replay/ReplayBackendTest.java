package dev.bursar.backends.replay;

import dev.bursar.trace.Pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import dev.bursar.trace.TraceRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class ReplayBackendTest {

  /** A recorded question whose sample i answers "i" in 10+i tokens. */
  private static TraceRecord question(long qid, String question, int samples) {
    List<TraceRecord.Sample> s = new ArrayList<>();
    for (int i = 0; i < samples; i++) s.add(new TraceRecord.Sample("A: " + i, "" + i, i == 1, 10 + i, null, null, null));
    return new TraceRecord(1, "p", qid, question, "1", "m", "t", s, null, Map.of(), null);
  }

  private static Pool pool(TraceRecord... records) {
    return new Pool("p", Path.of("p.jsonl"), List.of(records));
  }

  @Test
  void storedOrder_servesSamplesInFileOrder_withoutReplacementAcrossCalls() {
    var pool = pool(question(0, "q0", 5), question(1, "q1", 3));
    var backend = new ReplayBackend(List.of(pool), SampleOrder.STORED, 0);
    var req = new GenerationRequest("ignored", 2, 1000, Sampling.DEFAULT, List.of(), 0, Map.of("qid", "0"));
    var first = backend.generate(req, TokenListener.NONE);
    var second = backend.generate(req, TokenListener.NONE);
    assertThat(first).extracting(g -> g.answer()).containsExactly("0", "1");
    assertThat(second).extracting(g -> g.answer()).containsExactly("2", "3");
    assertThat(first.get(1).outputTokens()).isEqualTo(11);
    // Five samples: the third call gets the last one, the fourth none (the source ran out).
    assertThat(backend.generate(req, TokenListener.NONE)).extracting(g -> g.answer()).containsExactly("4");
    assertThat(backend.generate(req, TokenListener.NONE)).isEmpty();
  }

  @Test
  void aRecordedVerifierScoreComesWithItsSample_andNoScoreIsNaN() {
    var scored = new TraceRecord(1, "p", 0, "q0", "1", "m", "t",
        List.of(new TraceRecord.Sample("A: 1", "1", true, 10, null, 3.25, null), new TraceRecord.Sample("A: 2", "2", false, 10, null, null, null)),
        null, Map.of(), null);
    var backend = new ReplayBackend(List.of(pool(scored)), SampleOrder.STORED, 0);
    var g = backend.generate(GenerationRequest.of("q0", 2, 100, Sampling.DEFAULT), TokenListener.NONE);
    assertThat(g.get(0).verifierScore()).isEqualTo(3.25);
    assertThat(g.get(1).verifierScore()).isNaN();
  }

  @Test
  void promptLookup_findsTheQuestionByItsText() {
    var pool = pool(question(0, "q0", 2), question(7, "q7", 2));
    var backend = new ReplayBackend(List.of(pool), SampleOrder.STORED, 0);
    var g = backend.generate(GenerationRequest.of("q7", 1, 100, Sampling.DEFAULT), TokenListener.NONE);
    assertThat(g.getFirst().text()).isEqualTo("A: 0");
    assertThatThrownBy(() -> backend.generate(GenerationRequest.of("nope", 1, 100, Sampling.DEFAULT), TokenListener.NONE))
        .hasMessageContaining("qid in the request metadata");
  }

  @Test
  void randomOrder_isASeededPermutation() {
    int[] a = SampleOrder.RANDOM.indices(40, 3, 11);
    int[] b = SampleOrder.RANDOM.indices(40, 3, 11);
    int[] c = SampleOrder.RANDOM.indices(40, 4, 11);
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
    assertThat(a).containsExactlyInAnyOrder(SampleOrder.STORED.indices(40, 0, 0));
  }

  @Test
  void greedyFirstOrder_keepsTheFirstSampleFirst_andPermutesTheRest() {
    boolean movedSomething = false;
    for (long seed = 0; seed < 20; seed++) {
      int[] o = SampleOrder.GREEDY_FIRST.indices(16, seed, 5);
      assertThat(o[0]).isZero();
      assertThat(o).containsExactlyInAnyOrder(SampleOrder.STORED.indices(16, 0, 0));
      assertThat(o).isEqualTo(SampleOrder.GREEDY_FIRST.indices(16, seed, 5));
      movedSomething |= o[1] != 1;
    }
    assertThat(movedSomething).isTrue();
    assertThat(SampleOrder.GREEDY_FIRST.indices(1, 3, 5)).containsExactly(0);
  }

  @Test
  void lengthCap_chargesTheCapAndDropsTheAnswer() {
    var pool = pool(question(0, "q0", 2));
    var backend = new ReplayBackend(List.of(pool), SampleOrder.STORED, 0);
    var g = backend.generate(GenerationRequest.of("q0", 1, 4, Sampling.DEFAULT), TokenListener.NONE).getFirst();
    assertThat(g.outputTokens()).isEqualTo(4);
    assertThat(g.answer()).isNull();
  }
}
