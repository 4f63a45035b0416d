package dev.bursar.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading pools and trace logs: errors that name file, line and field; the codec round trip; the shared pools. */
final class PoolTest {
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
    Path pools = Path.of(System.getProperty("bursar.shared.data", "../../../shared/data")).resolve("pools");
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
