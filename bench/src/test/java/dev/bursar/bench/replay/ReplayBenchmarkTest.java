package dev.bursar.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bursar.trace.Pool;
import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.controller.StoppingRules;
import dev.bursar.trace.TraceRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ReplayBenchmarkTest {
  @TempDir Path dir;

  private static TraceRecord question(long qid, String gold, String... answers) {
    List<TraceRecord.Sample> s = new ArrayList<>();
    for (int i = 0; i < answers.length; i++) {
      String a = answers[i].equals("-") ? null : answers[i];
      s.add(new TraceRecord.Sample("A: " + a, a, a != null && a.equals(gold), 10 * (i + 1), null, null, null));
    }
    return new TraceRecord(1, "fixture", qid, "q" + qid, gold, "m", "t", s, null, Map.of(), null);
  }

  private static QuestionReplay.Score run(TraceRecord r, Method m) {
    return new QuestionReplay(new Pool("fixture", Path.of("fixture.jsonl"), List.of(r)), SampleOrder.STORED, 0).run(r, m);
  }

  @Test
  void sc_scoresTiesAsTheExpectedAccuracyOfAUniformTieBreak() {
    var r = question(0, "1", "1", "2", "2", "1", "3");
    var sc4 = run(r, Method.sc(4));
    assertThat(sc4.accuracy()).isEqualTo(0.5);
    assertThat(sc4.tokens()).isEqualTo(10 + 20 + 30 + 40);
    assertThat(sc4.samples()).isEqualTo(4);
    assertThat(run(r, Method.sc(1)).accuracy()).isEqualTo(1.0);
  }

  @Test
  void missingAnswers_doNotVote_andAQuestionWithoutVotesScoresZero() {
    var r = question(0, "1", "-", "1", "-");
    assertThat(run(r, Method.sc(3)).accuracy()).isEqualTo(1.0);
    var none = question(1, "1", "-", "-");
    assertThat(run(none, Method.sc(2)).accuracy()).isZero();
    var beta = new Method("b", "ac-beta", 0.95, StoppingRules.beta(0.95), 2);
    assertThat(run(none, beta).samples()).isEqualTo(2);
  }

  @Test
  void acBeta_stopsAfterFourUnanimousVotes() {
    var r = question(0, "7", "7", "7", "7", "7", "7", "7");
    var s = run(r, new Method("b", "ac-beta", 0.95, StoppingRules.beta(0.95), 6));
    assertThat(s.samples()).isEqualTo(4);
    assertThat(s.tokens()).isEqualTo(100);
    assertThat(s.accuracy()).isEqualTo(1.0);
  }

  @Test
  void esc_stopsAtTheFirstUnanimousWindow_elseFallsBackToMajorityOfWholeWindows() {
    var r = question(0, "1", "1", "2", "1", "1", "1", "2", "2");
    var esc2 = run(r, new Method("e", "esc", 2.0, StoppingRules.esc(2), 7));
    assertThat(esc2.samples()).isEqualTo(4);
    var esc3 = run(r, new Method("e", "esc", 3.0, StoppingRules.esc(3), 7));
    assertThat(esc3.samples()).isEqualTo(6); // floor(7/3) windows of 3, none unanimous
    assertThat(esc3.accuracy()).isEqualTo(1.0);
  }

  @Test
  void bayesianStop_learnsFromTheTuneHalfThatTwoAgreeingAnswersSettleAUnanimousWorkload() {
    List<List<String>> past = new ArrayList<>();
    for (int q = 0; q < 30; q++) past.add(java.util.Collections.nCopies(8, "a" + q));
    var methods = Method.bayesianStop(List.copyOf(past), 8);
    assertThat(methods).hasSize(Method.BAYES_STOP_COSTS.length).allMatch(m -> m.family().equals("bayes-stop"));
    var dearest = methods.getLast();
    var s = run(question(0, "1", "1", "1", "1", "1", "1", "1", "1", "1"), dearest);
    // The second answer confirms the first (a past question keeps room for answers it never gave).
    assertThat(s.samples()).isEqualTo(2);
    assertThat(s.accuracy()).isEqualTo(1.0);
    // Beyond the cap its tables are built for, the anchor is left out rather than built for hours.
    assertThat(Method.bayesianStop(List.copyOf(past), dev.bursar.policies.BayesianStop.MAX_CAP + 1)).isEmpty();
  }

  @Test
  void oracle_stopsWhereTheRunningMajorityStaysTheFinalMajority() {
    // running leaders: 2, 2 (tie 2/1 -> first), 1, 1, 1 ; final majority 1 -> k = 3
    var r = question(0, "1", "2", "1", "1", "1", "2");
    var s = run(r, new Method("o", "oracle", null, null, 5));
    assertThat(s.samples()).isEqualTo(3);
    assertThat(s.tokens()).isEqualTo(60);
    assertThat(s.accuracy()).isEqualTo(1.0);
  }

  @Test
  void run_writesSummaryReportAndPlot_andSkipsLengthOnlyPools() throws Exception {
    Path pools = dir.resolve("pools");
    Files.createDirectories(pools);
    var lines = new ArrayList<String>();
    for (int q = 0; q < 40; q++) {
      lines.add(dev.bursar.trace.TraceCodec.encode(question(q, "1", "1", q % 3 == 0 ? "2" : "1", "2", "1")));
    }
    Files.write(pools.resolve("fix.jsonl"), lines);
    Files.writeString(pools.resolve("lengths.jsonl"),
        "{\"pool\":\"lengths\",\"qid\":0,\"question\":\"[label]\",\"gold\":null,\"samples\":[{\"text\":null,\"answer\":null,\"correct\":true,\"tokens\":5}]}\n");
    var progress = new ByteArrayOutputStream();
    var results = ReplayBenchmark.run(Pool.readAll(List.of(pools)),
        new ReplayBenchmark.Options(SampleOrder.RANDOM, 3, 0, p -> null), new PrintStream(progress));
    assertThat(progress.toString()).contains("length-only").contains("seed 3/3");
    var fix = results.pools().stream().filter(p -> p.pool().equals("fix")).findFirst().orElseThrow();
    assertThat(fix.testQids()).isNotEmpty().allMatch(q -> Split.isTest(0, q));
    assertThat(fix.extractorAgreement()).isCloseTo(1.0, within(1e-9));
    assertThat(fix.methods()).extracting(ReplayResults.MethodResult::name)
        .contains("SC@1", "SC@2", "SC@4", "AC-Beta 0.95", "ESC w=2", "oracle (unreachable)");
    ReplayReport.write(results, dir.resolve("out"), "test");
    String summary = Files.readString(dir.resolve("out/summary.json"));
    assertThat(summary).contains("\"family\" : \"ac-beta\"", "\"test_qids\"", "\"length_only\" : true");
    assertThat(Files.readString(dir.resolve("out/accuracy_vs_tokens.svg"))).startsWith("<svg").contains("polyline");
    assertThat(Files.readString(dir.resolve("out/report.md"))).contains("| SC@4 |");
  }

  @Test
  void aPoolTooSmallToFitSaysSo_ratherThanThatNoBursarPointReachesTheTarget() throws Exception {
    Path pools = dir.resolve("small");
    Files.createDirectories(pools);
    var lines = new ArrayList<String>();
    for (int q = 0; q < 6; q++) lines.add(dev.bursar.trace.TraceCodec.encode(question(q, "1", "2", "1")));
    Files.write(pools.resolve("tiny.jsonl"), lines);
    var results = ReplayBenchmark.run(Pool.readAll(List.of(pools)),
        new ReplayBenchmark.Options(SampleOrder.RANDOM, 2, 0, p -> null), new PrintStream(new ByteArrayOutputStream()));
    ReplayReport.write(results, dir.resolve("small-out"), "test");
    assertThat(Files.readString(dir.resolve("small-out/report.md")))
        .contains("not fitted (too few tune-half questions)", "bursar is not fitted").doesNotContain("none reaches it");
  }

  @Test
  void bursarIsFittedOnTheTuneHalfAndItsChosenPointIsMarked() throws Exception {
    var rnd = new java.util.Random(4);
    List<TraceRecord> records = new ArrayList<>();
    for (int q = 0; q < 80; q++) {
      boolean hard = q % 3 == 0;
      String[] answers = new String[8];
      for (int i = 0; i < 8; i++) answers[i] = rnd.nextDouble() < (hard ? 0.4 : 0.9) ? "7" : String.valueOf(rnd.nextInt(3));
      records.add(question(q, "7", answers));
    }
    var pool = new Pool("fixture", Path.of("fixture.jsonl"), records);
    var results = ReplayBenchmark.run(List.of(pool), new ReplayBenchmark.Options(SampleOrder.RANDOM, 2, 0,
        p -> BursarMethods.forPool(p, SampleOrder.RANDOM, 0, new PrintStream(new ByteArrayOutputStream()))),
        new PrintStream(new ByteArrayOutputStream()));
    var fixture = results.pools().getFirst();
    assertThat(fixture.methods().stream().filter(ReplayResults.MethodResult::chosen)).hasSize(1);
    assertThat(fixture.methods()).extracting(ReplayResults.MethodResult::family).contains("bursar", "bursar-threshold", BursarMethods.TOLD);
    assertThat(fixture.tuning()).isNotNull();
    // Told each question's own rate, the reference predicts its samples better than one rate for all.
    assertThat(fixture.prior()).isNotNull();
    assertThat(fixture.prior().told()).isLessThan(fixture.prior().constant());
    // The tuner saw only the tune half: as many questions as the test half leaves out.
    assertThat(fixture.tuning().questions()).isEqualTo(80 - fixture.testQids().size());
    var comparison = Comparison.of(fixture).orElseThrow();
    assertThat(comparison.bestBaseline().family()).isIn(Comparison.BASELINES);
    // The published anchor is swept beside the baselines but is not one of the goal's baselines.
    assertThat(fixture.methods().stream().filter(m -> m.family().equals("bayes-stop"))).hasSize(Method.BAYES_STOP_COSTS.length);
    assertThat(Comparison.BASELINES).doesNotContain("bayes-stop");
    ReplayReport.write(results, dir.resolve("tuned"), "test");
    String summary = Files.readString(dir.resolve("tuned/summary.json"));
    assertThat(summary).contains("\"chosen\" : true", "\"comparison\"", "\"cv_frontier\"", "\"reliability\"",
        "\"p_right_log_loss_per_test_sample\"", "\"bayes_stop\"", "\"bursar_to_bayes_stop\"", "\"answers_by_reader_score\"");
    assertThat(Files.readString(dir.resolve("tuned/report.md"))).contains("bursar against the best baseline", "What limits it",
        "Against the published anchor: Bayesian stopping");
  }

  @Test
  void theHindsightReferenceIsToldEachQuestionsOwnFractionOfRightSamples() {
    var rnd = new java.util.Random(5);
    List<TraceRecord> records = new ArrayList<>();
    for (int q = 0; q < 40; q++) {
      String[] answers = new String[6];
      for (int i = 0; i < 6; i++) answers[i] = rnd.nextDouble() < (q % 2 == 0 ? 0.3 : 0.9) ? "7" : "3";
      records.add(question(q, "7", answers));
    }
    var fitted = BursarMethods.forPool(new Pool("fixture", Path.of("fixture.jsonl"), records), SampleOrder.RANDOM, 0,
        new PrintStream(new ByteArrayOutputStream()));
    var told = fitted.methods().stream().filter(m -> m.family().equals(BursarMethods.TOLD)).toList();
    assertThat(told).hasSize(dev.bursar.tuner.Tuner.LAMBDAS.length).noneMatch(Method::chosen);
    for (TraceRecord r : records) {
      double right = r.samples().stream().filter(s -> Boolean.TRUE.equals(s.correct())).count() / 6.0;
      var request = dev.bursar.controller.Request.of(r.question()).withMetadata(Map.of("qid", Long.toString(r.qid())));
      var estimate = told.getFirst().estimator().estimate(request, dev.bursar.controller.Features.NONE);
      assertThat(estimate.pCorrect()).isEqualTo(right);
      assertThat(estimate.source()).endsWith("+hindsight P(right)");
    }
  }

  @Test
  void theToldPriorGetsSeededNoiseOnItsLogOdds_soTheSameQuestionIsAlwaysToldTheSame() {
    var q = dev.bursar.tuner.Question.of(question(3, "7", "7", "7", "7", "3", "7")).orElseThrow();
    assertThat(BursarMethods.told(q, 0)).isEqualTo(0.8);
    double noisy = BursarMethods.told(q, 1.0);
    assertThat(noisy).isStrictlyBetween(0.0, 1.0).isNotEqualTo(0.8).isEqualTo(BursarMethods.told(q, 1.0));
    // Always right: the log-odds start from 0.98, not infinity.
    var always = dev.bursar.tuner.Question.of(question(4, "7", "7", "7")).orElseThrow();
    assertThat(BursarMethods.told(always, 0.5)).isStrictlyBetween(0.0, 1.0);
  }
}
