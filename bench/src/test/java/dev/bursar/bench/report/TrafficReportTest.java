package dev.bursar.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bursar.trace.TraceRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class TrafficReportTest {

  private static TraceRecord record(long qid, String mode, String answer, String gold, int... sampleTokens) {
    var samples = java.util.Arrays.stream(sampleTokens).mapToObj(t -> new TraceRecord.Sample(null, answer, null, t, null, null, "eos")).toList();
    long out = java.util.Arrays.stream(sampleTokens).sum();
    var outcome = new TraceRecord.OutcomeSummary("answered", answer, mode, 10L * sampleTokens.length, out, List.of("bursar-stop"), 5);
    return new TraceRecord(1, "log", qid, "q", gold, "m", "t", samples, null, Map.of(), outcome);
  }

  @Test
  void costsSavingsAndAccuracyByMode() {
    var r = TrafficReport.of(List.of(
        record(0, "SELF_CONSISTENCY", "3", "3", 100, 100),
        record(1, "SELF_CONSISTENCY", "4", "5", 50, 50, 50, 50),
        record(2, "FAST", "7", null, 20),
        new TraceRecord(1, "log", 3, "q", null, "m", "t", List.of(), null, Map.of(), null)), 8, 1.0, 2.0);
    var t = r.totals();
    assertThat(t.requests()).isEqualTo(3);
    assertThat(t.unusable()).isEqualTo(1);
    assertThat(t.outputTokens()).isEqualTo(420);
    assertThat(t.inputTokens()).isEqualTo(70);
    // Baseline: 8 samples of each request's mean sample, the prompt (10 tokens a sample) re-sent each time.
    assertThat(t.baselineOutputTokens()).isEqualTo(8 * 100 + 8 * 50 + 8 * 20);
    assertThat(t.baselineInputTokens()).isEqualTo(3 * 8 * 10);
    assertThat(t.cost()).isCloseTo(70 / 1e6 * 1.0 + 420 / 1e6 * 2.0, within(1e-12));
    assertThat(t.savedFraction()).isGreaterThan(0.5);
    assertThat(t.judged()).isEqualTo(2);
    assertThat(t.right()).isEqualTo(1);
    var sc = r.modes().stream().filter(m -> m.mode().equals("SELF_CONSISTENCY")).findFirst().orElseThrow();
    assertThat(sc.meanSamples()).isEqualTo(3.0);
    assertThat(sc.exits()).containsEntry("bursar-stop", 2);
    assertThat(r.markdown("cmd")).contains("| FAST | 1 |", "50.0% (2)", "less");
  }
}
