package dev.bursar.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.FakeBackend;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.StoppingRules;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar's trace log: what the controller decided and spent, readable as a pool. */
final class TraceLogTest {
  @TempDir Path dir;

  private static ComputeController controller(TraceLog log) {
    var backend = FakeBackend.of((prompt, i) -> "<think>1+2=3\n</think>A:" + (i == 1 ? 4 : 3) + "\n");
    return ComputeController.builder().backend(backend)
        .plan(Plan.selfConsistency(new Mode.SelfConsistency(4, 2, StoppingRules.never(), null, false), 64))
        .budget(Budget.ofTokens(1_000)).traceSink(log).build();
  }

  @Test
  void records_areWholeLinesThatPoolReadReadsBack_andQidsContinueAcrossReopens() throws Exception {
    Path file = dir.resolve("logs/day.jsonl");
    try (var log = TraceLog.open(file, "fake")) {
      var c = controller(log);
      c.run(Request.of("Q:1+2\n").withMetadata(Map.of("task", "arithmetic")));
      c.run(Request.of("Q:2+1\n"));
      assertThat(c.traceSinkFailures()).isZero();
    }
    try (var log = TraceLog.open(file, "fake")) {
      controller(log).run(Request.of("Q:3+0\n"));
    }
    Pool pool = Pool.read(file);
    assertThat(pool.name()).isEqualTo("day");
    assertThat(pool.records()).extracting(TraceRecord::qid).containsExactly(0L, 1L, 2L);
    TraceRecord first = pool.records().getFirst();
    assertThat(first.question()).isEqualTo("Q:1+2\n");
    assertThat(first.task()).isEqualTo("arithmetic");
    assertThat(first.model()).isEqualTo("fake");
    assertThat(first.plan()).isEqualTo("SELF_CONSISTENCY(4, sc)");
    assertThat(first.samples()).hasSize(4).extracting(TraceRecord.Sample::answer).containsExactly("3", "4", "3", "3");
    assertThat(first.samples()).allSatisfy(s -> assertThat(s.finish()).isEqualTo("eos"));
    assertThat(first.features()).containsEntry("prompt.operators", 1.0);
    assertThat(first.outcome()).isNotNull();
    assertThat(first.outcome().kind()).isEqualTo("answered");
    assertThat(first.outcome().answer()).isEqualTo("3");
    assertThat(first.outcome().exits()).containsExactly("max-samples");
    assertThat(first.outcome().outputTokens()).isEqualTo(first.samples().stream().mapToLong(TraceRecord.Sample::tokens).sum());
  }
}
