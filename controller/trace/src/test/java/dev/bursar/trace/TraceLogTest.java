package dev.bursar.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.FakeBackend;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.StoppingRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Test
  void rotation_keepsEveryRecordAcrossFilesAndQidsKeepCounting() throws Exception {
    Path file = dir.resolve("rot.jsonl");
    try (var log = TraceLog.open(file, "fake", new TraceLog.Options(1_500, 2, 1.0, false, 0))) {
      var c = controller(log);
      for (int i = 0; i < 12; i++) c.run(Request.of("Q:" + i + "+1\n"));
      assertThat(c.traceSinkFailures()).isZero();
      assertThat(log.rotated(1)).exists();
      assertThat(log.rotated(3)).doesNotExist(); // keep 2
    }
    assertThat(Files.size(file)).isLessThanOrEqualTo(1_500);
    List<Pool> pools = Pool.readLogs(List.of(dir), System.err);
    List<Long> qids = pools.stream().flatMap(p -> p.records().stream()).map(TraceRecord::qid).sorted().toList();
    assertThat(qids).doesNotHaveDuplicates();
    assertThat(qids.getLast()).isEqualTo(11L); // the newest records are all there
  }

  @Test
  void aTornLastLineIsReportedAndSkipped_andAReopenedLogStartsAFreshLine() throws Exception {
    Path file = dir.resolve("torn.jsonl");
    try (var log = TraceLog.open(file, "fake")) {
      controller(log).run(Request.of("Q:1+2\n"));
    }
    String whole = Files.readString(file);
    Files.writeString(file, whole.substring(0, whole.length() / 2), java.nio.file.StandardOpenOption.APPEND); // a crash mid-write
    var contents = TraceLog.readRecords(file);
    assertThat(contents.records()).hasSize(1);
    assertThat(contents.tornLines()).singleElement().asString().startsWith("line 2: {");
    try (var log = TraceLog.open(file, "fake")) {
      controller(log).run(Request.of("Q:2+2\n"));
    }
    var after = TraceLog.readRecords(file);
    assertThat(after.records()).extracting(TraceRecord::qid).containsExactly(0L, 1L);
    assertThat(after.tornLines()).hasSize(1);
  }

  @Test
  void hashedPromptsKeepNoTextButStillReplay_andSamplingKeepsAFraction() throws Exception {
    Path file = dir.resolve("private.jsonl");
    try (var log = TraceLog.open(file, "fake", new TraceLog.Options(0, 1, 1.0, true, 0))) {
      controller(log).run(Request.of("Q:secret 1+2\n"));
    }
    TraceRecord r = Pool.read(file).records().getFirst();
    assertThat(r.question()).startsWith("sha256:").doesNotContain("secret");
    assertThat(r.samples()).allSatisfy(s -> assertThat(s.text()).isNull()).extracting(TraceRecord.Sample::answer).contains("3");
    Path sampled = dir.resolve("sampled.jsonl");
    try (var log = TraceLog.open(sampled, "fake", new TraceLog.Options(0, 1, 0.25, false, 7))) {
      var c = controller(log);
      for (int i = 0; i < 80; i++) c.run(Request.of("Q:" + i + "\n"));
    }
    assertThat(Pool.read(sampled).records().size()).isBetween(8, 35);
  }

  /**
   * kill -9 while a child JVM logs as fast as it can: every line but a torn last one reads back,
   * and the records are consecutive from 0 (nothing in the middle lost).
   */
  @Test
  void killNineDuringHeavyLogging_losesNothingButATornLastLine() throws Exception {
    Path file = dir.resolve("killed.jsonl");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), TraceLogWriter.class.getName(), file.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while ((!Files.exists(file) || Files.size(file) < 200_000) && System.nanoTime() < deadline && child.isAlive()) Thread.sleep(20);
      assertThat(child.isAlive()).as("the writer is still logging when killed").isTrue();
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flush
      child.waitFor();
    }
    var contents = TraceLog.readRecords(file);
    assertThat(contents.records().size()).isGreaterThan(100);
    assertThat(contents.records()).extracting(TraceRecord::qid)
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, contents.records().size()).boxed().toList());
    assertThat(contents.tornLines()).hasSizeLessThanOrEqualTo(1);
    if (!contents.tornLines().isEmpty()) {
      long lines = Files.readString(file).lines().count();
      assertThat(contents.tornLines().getFirst()).startsWith("line " + lines + ":"); // only ever the last
    }
  }

  @Test
  void feedbackAttachesGoldOrAVerdictToTheRecordWithThatRequestId() throws Exception {
    Path file = dir.resolve("fb/day.jsonl");
    try (var log = TraceLog.open(file, "fake")) {
      var c = controller(log);
      for (String id : List.of("chatcmpl-a", "chatcmpl-b", "chatcmpl-c", "chatcmpl-d")) {
        c.run(Request.of("Q:1+2\n").withMetadata(Map.of(TraceLog.REQUEST_ID, id)));
      }
      log.feedback("chatcmpl-a", "3", null);
      log.feedback("chatcmpl-b", null, true);
      log.feedback("chatcmpl-c", null, false);
    }
    assertThat(TraceLog.feedbackFile(file)).exists().hasFileName("day.feedback");
    List<TraceRecord> records = Pool.readLogs(List.of(file.getParent()), System.err).getFirst().records();
    assertThat(records).extracting(TraceRecord::requestId).containsExactly("chatcmpl-a", "chatcmpl-b", "chatcmpl-c", "chatcmpl-d");
    assertThat(records.get(0).gold()).isEqualTo("3");
    assertThat(records.get(1).gold()).isEqualTo("3"); // "right": the answer given is the gold
    assertThat(records.get(2).gold()).isNull(); // "wrong": its voters are marked wrong, the right answer unknown
    assertThat(records.get(2).samples()).filteredOn(s -> "3".equals(s.answer())).allSatisfy(s -> assertThat(s.correct()).isFalse());
    assertThat(records.get(3).gold()).isNull();
  }
}
