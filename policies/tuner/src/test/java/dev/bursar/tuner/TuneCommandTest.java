package dev.bursar.tuner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.policies.PolicyFile;
import dev.bursar.trace.TraceCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

final class TuneCommandTest {

  private static int run(ByteArrayOutputStream err, String... args) {
    var cl = new CommandLine(new TuneCommand());
    cl.setParameterExceptionHandler((ex, a) -> {
      err.writeBytes(ex.getMessage().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return 2;
    });
    PrintStream oldErr = System.err, oldOut = System.out;
    try {
      System.setErr(new PrintStream(err, true));
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true));
      return cl.execute(args);
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
  }

  @Test
  void tunesAPoolIntoAPolicyFileAndAPlot(@TempDir Path dir) throws Exception {
    Path pool = dir.resolve("syn.jsonl");
    Files.writeString(pool, Synthetic.pool("syn", 60, 6, 11).stream().map(TraceCodec::encode).collect(Collectors.joining("\n")) + "\n");
    Path out = dir.resolve("new-folder/policy.json"); // a folder that does not exist yet is made
    var err = new ByteArrayOutputStream();
    assertThat(run(err, "--traces", pool.toString(), "--out", out.toString(), "--order", "stored", "--wave", "2")).isZero();
    var file = PolicyFile.load(out);
    assertThat(file.kind()).isEqualTo(PolicyFile.COMPUTE_OPTIMAL);
    assertThat(file.wave()).isEqualTo(2);
    assertThat(file.cap()).isEqualTo(6);
    assertThat(file.provenance().path("command").asText()).contains("bursar tune", "--traces");
    assertThat(Files.readString(dir.resolve("new-folder/policy.svg"))).startsWith("<svg").contains("Reliability");
    assertThat(err.toString()).contains("fold 3/3", "final fit");

    Path threshold = dir.resolve("threshold.json");
    assertThat(run(new ByteArrayOutputStream(), "--traces", pool.toString(), "--out", threshold.toString(), "--order", "stored",
        "--kind", "threshold", "--budget-tokens", "100")).isZero();
    assertThat(PolicyFile.load(threshold).kind()).isEqualTo(PolicyFile.THRESHOLD);
  }

  @Test
  void writesTheTemperatureItIsTold_andChoosesAmongTracesSampledAtOthers(@TempDir Path dir) throws Exception {
    Path warm = dir.resolve("warm.jsonl");
    Path cool = dir.resolve("cool.jsonl");
    Files.writeString(warm, Synthetic.pool("warm", 60, 8, 1, 0.85, 0.4, 4).stream().map(TraceCodec::encode).collect(Collectors.joining("\n")) + "\n");
    Files.writeString(cool, Synthetic.pool("cool", 60, 8, 2, 0.97, 0.5, 4).stream().map(TraceCodec::encode).collect(Collectors.joining("\n")) + "\n");
    Path told = dir.resolve("told.json");
    assertThat(run(new ByteArrayOutputStream(), "--traces", warm.toString(), "--temperature", "0.8", "--out", told.toString())).isZero();
    assertThat(PolicyFile.load(told).temperature()).isEqualTo(0.8);

    Path chosen = dir.resolve("chosen.json");
    var err = new ByteArrayOutputStream();
    assertThat(run(err, "--traces", warm.toString(), "--temperature", "0.8", "--traces-at", "0.4=" + cool, "--out", chosen.toString(),
        "--target-accuracy-drop", "1")).isZero();
    assertThat(PolicyFile.load(chosen).temperature()).isEqualTo(0.4);
    assertThat(err.toString()).contains("temperature: 0.40 chosen");

    var refused = new ByteArrayOutputStream();
    assertThat(run(refused, "--traces", warm.toString(), "--traces-at", "0.4=" + cool)).isEqualTo(2);
    assertThat(refused.toString()).contains("--traces-at needs --temperature");
    var hot = new ByteArrayOutputStream();
    assertThat(run(hot, "--traces", warm.toString(), "--temperature", "3")).isEqualTo(2);
    assertThat(hot.toString()).contains("--temperature: a temperature must be in [0, 2], was 3.0");
  }

  @Test
  void tracesDrawnGreedyFirstAreTunedGreedyFirst_unlessAnotherOrderIsAsked(@TempDir Path dir) throws Exception {
    Path pool = dir.resolve("greedy.jsonl");
    Files.writeString(pool, Synthetic.pool("greedy", 60, 6, 11).stream()
        .map(r -> new dev.bursar.trace.TraceRecord(r.schemaVersion(), r.pool(), r.qid(), r.question(), r.gold(), r.model(), r.task(),
            r.samples(), "SELF_CONSISTENCY(6, never, greedy first)", r.features(), r.outcome()))
        .map(TraceCodec::encode).collect(Collectors.joining("\n")) + "\n");
    var err = new ByteArrayOutputStream();
    assertThat(run(err, "--traces", pool.toString(), "--out", dir.resolve("a.json").toString())).isZero();
    assertThat(err.toString()).contains("simulating --order greedy-first");
    assertThat(PolicyFile.load(dir.resolve("a.json")).greedyFirst()).isTrue();
    err.reset();
    assertThat(run(err, "--traces", pool.toString(), "--out", dir.resolve("b.json").toString(), "--order", "random")).isZero();
    assertThat(err.toString()).contains("warning: every trace drew its first sample greedily");
    assertThat(PolicyFile.load(dir.resolve("b.json")).greedyFirst()).isFalse();
  }

  @Test
  void badFlagsSayWhatIsWrong(@TempDir Path dir) {
    var err = new ByteArrayOutputStream();
    assertThat(run(err, "--traces", dir.toString(), "--target-accuracy-drop", "1", "--budget-tokens", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("not both");
    err.reset();
    assertThat(run(err, "--traces", dir.toString(), "--kind", "best")).isEqualTo(2);
    assertThat(err.toString()).contains("--kind must be compute-optimal or threshold");
    err.reset();
    assertThat(run(err, "--traces", dir.toString(), "--out", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("is a folder: give the policy file's path");
  }
}
