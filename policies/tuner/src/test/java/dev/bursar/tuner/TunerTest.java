package dev.bursar.tuner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bursar.backends.replay.ReplayBackend;
import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.Features;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.RunRecord;
import dev.bursar.controller.Tally;
import dev.bursar.policies.PolicyFile;
import dev.bursar.trace.Pool;
import dev.bursar.trace.TraceRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class TunerTest {
  static List<TraceRecord> records;
  static Tuner.Result result;

  @BeforeAll
  static void tune() {
    records = Synthetic.pool("syn", 90, 10, 7);
    var options = new Tuner.Options(SampleOrder.RANDOM, 3, 3, 0.005, 0, 1, Integer.MAX_VALUE, "test");
    result = Tuner.tune(Tuner.questions(records), options, new PrintStream(new ByteArrayOutputStream()));
  }

  @Test
  void whereTheVoteShareIsBetterCalibrated_thePolicyReportsIt() {
    // Every sample right: the vote share is always 1 and always right (Brier 0); no model can beat it.
    var questions = Tuner.questions(Synthetic.pool("all-right", 60, 6, 5, 1.0, 1.0, 2));
    var result = Tuner.tune(questions, Tuner.Options.target(0.5, SampleOrder.STORED, "test"), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    assertThat(result.calibration().brierVoteShare()).isZero();
    assertThat(result.policy().stopModel().leaderCorrect()).isNull();
    assertThat(TuneCommand.summary(result, result.policy())).contains("the vote share is better calibrated here, so the policy reports it");
    // Where the model is better (the pool of the other tests), it is kept.
    var mixed = Tuner.tune(Tuner.questions(Synthetic.pool("mixed", 90, 8, 1)),
        new Tuner.Options(SampleOrder.RANDOM, 3, 3, 0.005, 0, 1, Integer.MAX_VALUE, "test"), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    assertThat(mixed.calibration().brier()).isLessThan(mixed.calibration().brierVoteShare());
    assertThat(mixed.policy().reportsVoteShare()).isFalse(); // the model's, or its reader's where that scored better still
  }

  @Test
  void whereAVerifierSaysWhichSamplesAreRight_thePolicyReportsTheReadersConfidence() {
    // The pool of the other tests, each sample scored by a verifier that tells right from wrong.
    var rnd = new java.util.Random(4);
    var scored = Synthetic.pool("verified", 90, 8, 1).stream().map(r -> new dev.bursar.trace.TraceRecord(r.schemaVersion(), r.pool(), r.qid(),
        r.question(), r.gold(), r.model(), r.task(), r.samples().stream().map(smp -> new dev.bursar.trace.TraceRecord.Sample(smp.text(),
            smp.answer(), smp.correct(), smp.tokens(), smp.meanLogprob(), (smp.correct() ? 2.0 : -2.0) + rnd.nextGaussian() * 0.5,
            smp.finish())).toList(), r.plan(), r.features(), r.outcome())).toList();
    var result = Tuner.tune(Tuner.questions(scored), new Tuner.Options(SampleOrder.RANDOM, 3, 3, 0.005, 0, 1, Integer.MAX_VALUE, "test"),
        new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    var c = result.calibration();
    assertThat(c.brierReader()).isLessThan(Math.min(c.brier(), c.brierVoteShare()));
    assertThat(result.policy().stopModel().confidenceByReader()).isTrue();
    assertThat(result.policy().stopModel().sampleText().trustsVerifier()).isTrue();
    assertThat(TuneCommand.summary(result, result.policy())).contains("from their text and answer and a verifier's score")
        .contains("the reader's P(right) of the answer's samples is better calibrated here");
  }

  @Test
  void aDeepSearchThatSolvesTheHardQuestionsCheaplyIsRoutedTo_andOneThatFailsThemIsNot() {
    var questions = Tuner.questions(records);
    var plan = dev.bursar.controller.Plan.deepSearch(new dev.bursar.controller.Mode.DeepSearch(2, 4, 12,
        dev.bursar.controller.Verifiers.stepConfidence(), false), 40);
    Map<Long, Tuner.DeepSearchRuns.Run> good = new java.util.HashMap<>(), bad = new java.util.HashMap<>();
    for (Question q : questions) {
      boolean hard = q.prompt().startsWith("prove"); // Synthetic's hard questions: SC scatters there and runs long
      good.put(q.qid(), new Tuner.DeepSearchRuns.Run(hard ? 1 : 0, hard ? 100 : 40));
      bad.put(q.qid(), new Tuner.DeepSearchRuns.Run(0, 5000)); // wrong, and dearer than any self-consistency
    }
    var base = new Tuner.Options(SampleOrder.RANDOM, 3, 3, 0.005, 0, 1, Integer.MAX_VALUE, "test");
    var quiet = new PrintStream(new ByteArrayOutputStream());
    var routed = Tuner.tune(questions, base.withDeepSearch(new Tuner.DeepSearchRuns(plan, good)), quiet);
    // Every lambda with every threshold that hands at least one question to the search (one that hands none is no route).
    assertThat(routed.routed()).isNotEmpty().hasSizeLessThanOrEqualTo((Tuner.ROUTE_BELOW.length - 1) * Tuner.LAMBDAS.length);
    assertThat(routed.routed().size() % Tuner.LAMBDAS.length).isZero();
    assertThat(routed.chosen().routes()).isTrue();
    assertThat(routed.chosen().tokens()).isLessThan(result.chosen().tokens());
    var route = routed.policy().deepSearch();
    assertThat(route).isNotNull();
    assertThat(route.belowPCorrect()).isEqualTo(routed.chosen().deepBelow());
    assertThat(route.plan().describe()).isEqualTo(plan.describe());
    assertThat(routed.policy().operatingPoint().path("deepSearchBelowPCorrect").asDouble()).isEqualTo(route.belowPCorrect());
    assertThat(TuneCommand.summary(routed, routed.policy())).contains("to DEEP_SEARCH");

    var unrouted = Tuner.tune(questions, base.withDeepSearch(new Tuner.DeepSearchRuns(plan, bad)), quiet);
    assertThat(unrouted.chosen().routes()).isFalse();
    assertThat(unrouted.policy().deepSearch()).isNull();
    assertThat(result.routed()).isEmpty(); // no runs, no routes
  }

  @Test
  void theFrontierTradesAccuracyForTokensAndTheChosenPointMeetsTheTarget() {
    assertThat(result.frontier()).hasSize(Tuner.LAMBDAS.length);
    var sc = result.scAtCap();
    assertThat(result.chosen().accuracy()).isGreaterThanOrEqualTo(sc.accuracy() - 0.005 - 1e-9);
    // Easy questions settle after a sample or two: far fewer tokens than SC at the cap.
    assertThat(result.chosen().tokens()).isLessThan(0.7 * sc.tokens());
    var cheapest = result.frontier().getLast(); // the largest lambda
    assertThat(cheapest.samples()).isLessThan(result.frontier().getFirst().samples());
    assertThat(result.pareto()).isNotEmpty().isSortedAccordingTo(java.util.Comparator.comparingDouble(Tuner.Point::tokens));
    // The reported confidence is calibrated better than the vote share, and lengths beat one Gamma.
    assertThat(result.calibration().brier()).isLessThan(result.calibration().brierVoteShare());
    assertThat(result.length().fittedLogLik()).isGreaterThan(result.length().constantLogLik());
    // The prompt says which questions are hard: the prior knows more than one rate for all.
    assertThat(result.prior().samples()).isEqualTo(result.length().samples());
    assertThat(result.prior().fittedLogLoss()).isPositive().isLessThan(result.prior().constantLogLoss());
    assertThat(TuneCommand.summary(result, result.policy())).contains("Difficulty prior P(one sample right): held-out log-loss")
        .contains("Samples P(this sample right) from their text and answer");
    // The synthetic samples' texts name their answer, and only right ones say 42: every fold keeps a reader.
    assertThat(result.text().foldsWithReader()).isEqualTo(result.text().folds()).isEqualTo(3);
    assertThat(result.text().readerLogLoss()).isLessThan(result.text().constantLogLoss());
    assertThat(result.policy().stopModel().sampleText()).isNotNull();
    assertThat(result.policy().operatingPoint().path("accuracy").asDouble()).isEqualTo(result.chosen().accuracy());
    // A reader that knows right texts from wrong ones picks the right answer more often than the count: the policy answers by it,
    // and its cross-validated accuracy passes self-consistency's at the cap (the reference stays the count's).
    assertThat(result.policy().stopModel().scoreVote()).isTrue();
    assertThat(TuneCommand.summary(result, result.policy())).contains("scores highest in sum");
    assertThat(result.frontier().getFirst().accuracy()).isGreaterThan(result.scAtCap().accuracy());
  }

  @Test
  void thePolicyFileCarriesTheChosenPointOverByItsSamples() {
    var o = new Tuner.Options(SampleOrder.RANDOM, 3, 3, 0.005, 0, 1, Integer.MAX_VALUE, "test");
    var questions = Tuner.questions(records);
    var all = Tuner.fit(questions, o, 10, o.effectiveOrders(questions.size(), 10));
    double lambda = result.policy().lambda();
    assertThat(lambda).isLessThanOrEqualTo(result.chosen().param());
    int orders = o.effectiveOrders(questions.size(), 10);
    double samples = result.chosen().samples();
    assertThat(Tuner.matchSamples(questions, all, q -> null, o, 10, orders, samples)).isEqualTo(lambda);
    // Asking for more samples than the cap allows leaves lambda 0 (draw until decided); none asked for, the largest.
    assertThat(Tuner.matchSamples(questions, all, q -> null, o, 10, orders, 11)).isZero();
    assertThat(Tuner.matchSamples(questions, all, q -> null, o, 10, orders, 0)).isEqualTo(Tuner.LAMBDAS[Tuner.LAMBDAS.length - 1]);
  }

  @Test
  void everyLambdaIsAlsoScoredWithBayesianStopping_andTheFileCarriesTheAnswerCountsOnlyWhenThatPointIsChosen() {
    assertThat(result.withAnswerPrior()).hasSize(Tuner.LAMBDAS.length).allMatch(Tuner.Point::answerPrior);
    assertThat(result.frontier()).noneMatch(Tuner.Point::answerPrior);
    // A second stop never draws more than the trees alone at the same lambda.
    for (int i = 0; i < Tuner.LAMBDAS.length; i++) {
      assertThat(result.withAnswerPrior().get(i).samples()).isLessThanOrEqualTo(result.frontier().get(i).samples() + 1e-9);
    }
    var prior = result.policy().stopModel().answerPrior();
    if (result.chosen().answerPrior()) {
      assertThat(prior).isNotNull();
      assertThat(prior.questions()).hasSize(result.questions());
      assertThat(result.policy().operatingPoint().path("bayesianStopOnAnswerPrior").asBoolean()).isTrue();
    } else {
      assertThat(prior).isNull();
    }
  }

  @Test
  void aBudgetPicksTheMostAccuratePointWithinIt() {
    var options = new Tuner.Options(SampleOrder.STORED, 1, 3, Double.NaN, 120, 1, 512, "test");
    var r = Tuner.tune(Tuner.questions(records), options, new PrintStream(new ByteArrayOutputStream()));
    assertThat(r.chosen().tokens()).isLessThanOrEqualTo(120);
    for (var p : r.frontier()) if (p.tokens() <= 120) assertThat(p.accuracy()).isLessThanOrEqualTo(r.chosen().accuracy());
  }

  /** The tuner's simulation must be what the controller does: same stops, same tokens, same answers. */
  @Test
  void theSimulatedPolicyIsExactlyWhatTheControllerRunsOnTheReplayBackend() {
    assertSimulationMatchesTheController(records, result, 10);
  }

  /** Questions recorded with fewer samples than the cap end early in both, as the replay backend runs out. */
  @Test
  void raggedPoolsSimulateAsTheControllerRunsThem() {
    List<TraceRecord> ragged = records.stream().map(r -> r.qid() % 4 != 0 ? r
        : new TraceRecord(r.schemaVersion(), r.pool(), r.qid(), r.question(), r.gold(), r.model(), r.task(),
            r.samples().subList(0, 6), null, Map.of(), null)).toList();
    var options = new Tuner.Options(SampleOrder.RANDOM, 2, 3, 0.005, 0, 1, Integer.MAX_VALUE, "test");
    var r = Tuner.tune(Tuner.questions(ragged), options, new PrintStream(new ByteArrayOutputStream()));
    assertThat(r.cap()).isEqualTo(10);
    assertSimulationMatchesTheController(ragged, r, 10);
  }

  private static void assertSimulationMatchesTheController(List<TraceRecord> records, Tuner.Result result, int cap) {
    PolicyFile file = result.policy().withServing(cap, 1, Integer.MAX_VALUE);
    var pool = new Pool("syn", Path.of("syn.jsonl"), records);
    for (int seed = 0; seed < 2; seed++) {
      var backend = new ReplayBackend(List.of(pool), SampleOrder.RANDOM, seed);
      RunRecord[] last = new RunRecord[1];
      var controller = ComputeController.builder().backend(backend).estimator(file.estimator()).policy(file.policy())
          .fallback(Plan.fast(Integer.MAX_VALUE)).budget(Budget.ofTokens(Long.MAX_VALUE))
          .decisionTimeout(java.time.Duration.ofMinutes(1)).traceSink(r -> last[0] = r).build();
      for (TraceRecord r : records.subList(0, 30)) {
        Question q = Question.of(r).orElseThrow();
        backend.reset();
        var request = Request.of(q.prompt()).withMetadata(Map.of("qid", Long.toString(r.qid())));
        Outcome out = controller.run(request);
        var e = file.estimator().estimate(request, Features.NONE);
        int[] order = SampleOrder.RANDOM.indices(q.size(), seed, q.qid());
        var reader = file.stopModel().sampleText();
        var ep = new Episode(q, order, cap, e.pCorrect(), e.expectedLength(), reader == null ? null : Fitting.scores(reader, q),
            file.stopModel().scoreVote());
        double[] gain = ep.gains(file.stopModel());
        int stop = Tuner.stopIndex(ep, Tuner.stopIndex(ep, gain, file.lambda()), order,
            dev.bursar.policies.BayesianStop.ruleFor(file.stopModel(), cap, file.lambda()));
        assertThat(out.spend().samples()).as("samples of qid %d", r.qid()).isEqualTo(stop + 1);
        assertThat(out.spend().outputTokens()).isEqualTo(ep.tokens[stop]);
        var tally = new Tally();
        for (var s : last[0].samples()) tally.add(dev.bursar.controller.Answers.normalize(s.answer()));
        // Voting by the reader's scores, the controller's answer is the one the simulation scored.
        double answered = file.stopModel().scoreVote() && out instanceof Outcome.Answered a
            ? q.accuracyOf(List.of(dev.bursar.controller.Answers.normalize(a.answer()))) : q.accuracyOf(tally.leaders());
        assertThat(answered).as("accuracy of qid %d", r.qid()).isEqualTo(ep.accuracyNow[stop]);
        if (out instanceof Outcome.Answered a) assertThat(a.confidence()).isBetween(0.0, 1.0);
      }
      assertThat(controller.fallbacks()).isZero();
    }
  }

  /** {@link Tuner#scoreVoteHelps} on every question's episodes in {@code orders} orders, read with {@code texts}' scores. */
  private static boolean scoreVoteHelps(List<Question> questions, Fitting.SampleTextFit texts, Tuner.Options o, int cap, int orders) {
    List<List<Episode>> episodes = new java.util.ArrayList<>();
    for (Question q : questions) {
      List<Episode> mine = new java.util.ArrayList<>();
      for (int s = 0; s < orders; s++) mine.add(new Episode(q, o.order().indices(q.size(), s, q.qid()), cap, Double.NaN, Double.NaN, texts.scores(q), true));
      episodes.add(mine);
    }
    return Tuner.scoreVoteHelps(episodes);
  }

  @Test
  void theScoreVoteIsKeptOnlyWhereTheHeldOutScoresPickTheRightAnswerMoreOften() {
    var questions = Tuner.questions(records);
    var o = new Tuner.Options(SampleOrder.RANDOM, 2, 3, 0.005, 0, 1, Integer.MAX_VALUE, "test");
    var reader = new dev.bursar.estimators.SampleText(8,
        new dev.bursar.estimators.LinearModel(new double[dev.bursar.estimators.QueryText.STATS + 8], 0));
    java.util.function.BiFunction<Double, Double, Fitting.SampleTextFit> scoring = (right, wrong) -> {
      Map<Question, double[]> heldOut = new java.util.IdentityHashMap<>();
      for (Question q : questions) {
        double[] scores = new double[q.size()];
        for (int i = 0; i < scores.length; i++) scores[i] = q.correct()[i] ? right : wrong;
        heldOut.put(q, scores);
      }
      return new Fitting.SampleTextFit(reader, heldOut);
    };
    assertThat(scoreVoteHelps(questions, scoring.apply(0.9, 0.1), o, 10, 2)).isTrue();
    // Scores that favour wrong samples make a worse vote; scores that say nothing make no better one.
    assertThat(scoreVoteHelps(questions, scoring.apply(0.1, 0.9), o, 10, 2)).isFalse();
    assertThat(scoreVoteHelps(questions, scoring.apply(0.5, 0.5), o, 10, 2)).isFalse();
  }

  @Test
  void tooFewQuestionsIsAClearError() {
    var options = Tuner.Options.target(0.005, SampleOrder.STORED, "test");
    assertThatThrownBy(() -> Tuner.tune(Tuner.questions(records.subList(0, 3)), options, System.err))
        .hasMessageContaining("need at least 6 questions");
    assertThatThrownBy(() -> new Tuner.Options(SampleOrder.STORED, 1, 3, 0.005, 100, 1, 1, "x")).hasMessageContaining("exactly one");
  }

  @Test
  void questionsWithUnknownCorrectnessAreLeftOut() {
    var r = records.getFirst();
    var unknown = new TraceRecord(r.schemaVersion(), r.pool(), 999, r.question(), null, r.model(), r.task(),
        List.of(new TraceRecord.Sample("x", "1", null, 3, null, null, null)), null, Map.of(), null);
    assertThat(Tuner.questions(List.of(r, unknown))).hasSize(1);
    // A trace log record with feedback: no per-sample verdicts, a gold answer; samples are judged against it.
    var withGold = new TraceRecord(r.schemaVersion(), "log", 5, "Q", "42.0", r.model(), r.task(),
        List.of(new TraceRecord.Sample("x", "42", null, 3, null, null, null), new TraceRecord.Sample("y", "7", null, 4, null, null, null),
            new TraceRecord.Sample("z", null, null, 2, null, null, null)), null, Map.of(), null);
    assertThat(Question.of(withGold).orElseThrow().correct()).containsExactly(true, false, false);
    // A DEEP_SEARCH's sequences are search steps, not votes: its record is no question (the route writes such records).
    var searched = new TraceRecord(r.schemaVersion(), "log", 6, "Q", "42", r.model(), r.task(),
        List.of(new TraceRecord.Sample("step", null, null, 3, null, null, null)), "DEEP_SEARCH(beam 2x4, depth 12, step-confidence)", Map.of(), null);
    assertThat(Question.of(searched)).isEmpty();
    assertThat(Question.of(r).orElseThrow().sampleAccuracy()).isCloseTo(
        r.samples().stream().filter(s -> s.correct()).count() / (double) r.samples().size(), within(1e-12));
  }

  @Test
  void choose_whenNoPointReachesTheTarget_takesTheCheapestWithinTheDropOfTheBest_notTheMostExpensive() {
    var o = new Tuner.Options(SampleOrder.RANDOM, 1, 3, 0.005, 0, 1, Integer.MAX_VALUE, "test");
    var sc = new Tuner.Point(40, 0.720, 2000, 40);
    // The best point misses SC - 0.5 pt by 0.01 pt; a point 0.4 pt below it costs a fifth.
    var best = new Tuner.Point(0, 0.7149, 1400, 28);
    var cheap = new Tuner.Point(1e-4, 0.7110, 300, 6);
    var cheaper = new Tuner.Point(1e-3, 0.7000, 150, 3);
    assertThat(Tuner.choose(List.of(best, cheap, cheaper), sc, o)).isEqualTo(cheap);
    // Never more than twice the drop below SC at the cap, however low the best point is.
    var low = new Tuner.Point(0, 0.690, 1400, 28);
    var lower = new Tuner.Point(1e-3, 0.686, 150, 3);
    assertThat(Tuner.choose(List.of(low, lower), sc, o)).isEqualTo(low);
    // A point that reaches the target is still the rule.
    var reaches = new Tuner.Point(1e-5, 0.7160, 900, 18);
    assertThat(Tuner.choose(List.of(best, reaches, cheap), sc, o)).isEqualTo(reaches);
  }

  @Test
  void choose_skipsACheapPointThatClearsTheTargetByLessThanItsStandardError() {
    var o = new Tuner.Options(SampleOrder.RANDOM, 1, 3, 0.005, 0, 1, Integer.MAX_VALUE, "test");
    var sc = new Tuner.Point(10, 0.365, 1080, 10);
    var safe = new Tuner.Point(1e-4, 0.364, 880, 8, 0.002);
    var lucky = new Tuner.Point(3e-4, 0.361, 660, 6, 0.006); // 0.4 pt below SC, but +-0.6 pt
    var cheapest = new Tuner.Point(1e-3, 0.330, 340, 3, 0.01);
    assertThat(Tuner.choose(List.of(safe, lucky, cheapest), sc, o)).isEqualTo(safe);
    var sure = new Tuner.Point(3e-4, 0.361, 660, 6, 0.001);
    assertThat(Tuner.choose(List.of(safe, sure, cheapest), sc, o)).isEqualTo(sure);
  }
}
