package dev.bursar.backends.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.controller.BackendException;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import dev.bursar.controller.TraceRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ReplayBackendTest {
  @TempDir Path dir;

  private static String line(long qid, String question, int samples) {
    var sb = new StringBuilder();
    sb.append("{\"pool\":\"p\",\"qid\":").append(qid).append(",\"question\":\"").append(question)
        .append("\",\"gold\":\"1\",\"model\":\"m\",\"task\":\"t\",\"samples\":[");
    for (int i = 0; i < samples; i++) {
      if (i > 0) sb.append(',');
      sb.append("{\"text\":\"A: ").append(i).append("\",\"answer\":\"").append(i)
          .append("\",\"correct\":").append(i == 1).append(",\"tokens\":").append(10 + i)
          .append(",\"mean_logprob\":null,\"score\":null}");
    }
    return sb.append("]}").toString();
  }

  private Path write(String name, String... lines) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, List.of(lines));
    return f;
  }

  @Test
  void storedOrder_servesSamplesInFileOrder_withoutReplacementAcrossCalls() throws IOException {
    var pool = Pool.read(write("p.jsonl", line(0, "q0", 5), line(1, "q1", 3)));
    var backend = new ReplayBackend(List.of(pool), SampleOrder.STORED, 0);
    var req = GenerationRequest.of("ignored", 2, 1000, Sampling.DEFAULT).withAttribute("qid", "0");
    var first = backend.generate(req, TokenListener.NONE);
    var second = backend.generate(req, TokenListener.NONE);
    assertThat(first).extracting(g -> g.recordedAnswer()).containsExactly("0", "1");
    assertThat(second).extracting(g -> g.recordedAnswer()).containsExactly("2", "3");
    assertThat(first.get(1).outputTokens()).isEqualTo(11);
    backend.generate(req, TokenListener.NONE);
    assertThatThrownBy(() -> backend.generate(req, TokenListener.NONE))
        .isInstanceOf(BackendException.class).hasMessageContaining("only 5 recorded samples");
  }

  @Test
  void promptLookup_findsTheQuestionByItsText() throws IOException {
    var pool = Pool.read(write("p.jsonl", line(0, "q0", 2), line(7, "q7", 2)));
    var backend = new ReplayBackend(List.of(pool), SampleOrder.STORED, 0);
    var g = backend.generate(GenerationRequest.of("q7", 1, 100, Sampling.DEFAULT), TokenListener.NONE);
    assertThat(g.getFirst().text()).isEqualTo("A: 0");
    assertThatThrownBy(() -> backend.generate(GenerationRequest.of("nope", 1, 100, Sampling.DEFAULT), TokenListener.NONE))
        .hasMessageContaining("qid attribute");
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
  void lengthCap_chargesTheCapAndDropsTheAnswer() throws IOException {
    var pool = Pool.read(write("p.jsonl", line(0, "q0", 2)));
    var backend = new ReplayBackend(List.of(pool), SampleOrder.STORED, 0);
    var g = backend.generate(GenerationRequest.of("q0", 1, 4, Sampling.DEFAULT), TokenListener.NONE).getFirst();
    assertThat(g.outputTokens()).isEqualTo(4);
    assertThat(g.recordedAnswer()).isNull();
  }

  @Test
  void malformedLine_failsWithFileLineAndField() throws IOException {
    Path f = write("bad.jsonl", line(0, "q0", 2), "", line(1, "q1", 2).replace("\"tokens\":11", "\"tokens\":\"eleven\""));
    assertThatThrownBy(() -> Pool.read(f))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining("bad.jsonl:3")
        .hasMessageContaining("samples[1].tokens: expected an integer");
    Path g = write("bad2.jsonl", "{\"pool\":\"p\",\"qid\":1,");
    assertThatThrownBy(() -> Pool.read(g)).hasMessageContaining("bad2.jsonl:1: not valid JSON");
    Path h = write("bad3.jsonl", line(0, "q0", 1), line(0, "again", 1));
    assertThatThrownBy(() -> Pool.read(h)).hasMessageContaining("bad3.jsonl:2: qid 0 appears twice");
    Path i = write("bad4.jsonl", "{\"pool\":\"p\",\"qid\":1,\"question\":\"q\",\"samples\":[{\"answer\":\"1\"}]}");
    assertThatThrownBy(() -> Pool.read(i)).hasMessageContaining("samples[0].tokens: missing");
  }

  @Test
  void traceRecord_roundTripsThroughTheCodec() {
    var r = new TraceRecord(1, "log", 42, "What is 2+2?", "4", "embedded", "arithmetic",
        List.of(new TraceRecord.Sample("<think>2+2=4\n</think>A:4", "4", true, 12, -0.1, null, "eos"),
            new TraceRecord.Sample(null, null, null, 3, null, 0.5, null)),
        "SelfConsistency(16, Beta(0.95))", Map.of("len", 12.0),
        new TraceRecord.OutcomeSummary("answered", "4", "SELF_CONSISTENCY", 7, 15, List.of("ac-beta"), 31));
    assertThat(TraceCodec.decode(TraceCodec.encode(r))).isEqualTo(r);
  }

  @Test
  void sharedPools_readWithoutErrors() {
    Path pools = Path.of(System.getProperty("bursar.shared.data", "../../shared/data")).resolve("pools");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(pools),
        "shared data not found at " + pools.toAbsolutePath() + ": skipping");
    List<Pool> all = Pool.readAll(List.of(pools));
    var names = new ArrayList<String>();
    for (Pool p : all) names.add(p.name() + (p.lengthOnly() ? " (length-only)" : ""));
    assertThat(names).contains("mot_gpt35_date_cot1_n40", "taskhardness_r1distill1.5b_aime_n8 (length-only)");
    assertThat(all.stream().filter(p -> p.name().equals("mot_gpt35_date_cot1_n40")).findFirst().orElseThrow()
        .records()).hasSize(369);
  }
}
