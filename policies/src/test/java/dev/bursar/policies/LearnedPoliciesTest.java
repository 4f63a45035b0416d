package dev.bursar.policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.controller.Budget;
import dev.bursar.controller.Capability;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.Tally;
import dev.bursar.estimators.FittedEstimator;
import dev.bursar.estimators.LinearModel;
import dev.bursar.estimators.QueryText;
import dev.bursar.estimators.StopModel;
import dev.bursar.estimators.TreeEnsemble;
import dev.bursar.estimators.VoteState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class LearnedPoliciesTest {
  static final int SAMPLES = VoteState.NAMES.indexOf("samples");
  static final int SHARE = VoteState.NAMES.indexOf("share");

  /** Gain 0.3 until two samples are drawn, then 0.001; confidence = 0.2 + 0.6 * share. */
  static StopModel model() {
    var gain = new TreeEnsemble(0, List.of(new TreeEnsemble.Tree(new int[] {SAMPLES, -1, -1}, new double[] {1.5, 0, 0},
        new int[] {1, 0, 0}, new int[] {2, 0, 0}, new double[] {0, 0.3, 0.001})));
    var conf = new TreeEnsemble(0.2, List.of(new TreeEnsemble.Tree(new int[] {SHARE, -1, -1}, new double[] {0.99, 0, 0},
        new int[] {1, 0, 0}, new int[] {2, 0, 0}, new double[] {0, 0.3, 0.8})));
    return new StopModel(gain, conf);
  }

  static FittedEstimator estimator() {
    int p = QueryText.STATS + 4;
    return new FittedEstimator(4, new LinearModel(new double[p], 0.5), new LinearModel(new double[p], Math.log(100)), 2);
  }

  @Test
  void learnedStopDrawsWhileTheGainPaysForTheNextSample() {
    var stop = new LearnedStop(model(), 1e-4, 8, 0.6, 100); // stop when gain <= 1e-4 * 100 tokens = 0.01
    var t = new Tally();
    t.add("a", 1, 100);
    assertThat(stop.shouldStop(t)).isFalse(); // gain 0.3
    t.add("b", 1, 100);
    assertThat(stop.shouldStop(t)).isTrue(); // gain 0.001
    assertThat(new LearnedStop(model(), 0, 8, 0.6, 100).shouldStop(t)).isFalse(); // lambda 0 stops only when decided
    assertThat(stop.confidence(t)).isEqualTo(0.5);
    t.add("a", 1, 100);
    assertThat(stop.family()).isEqualTo("bursar");
    assertThat(stop.cap(5)).isEqualTo(5);
    assertThatThrownBy(() -> new LearnedStop(model(), -1, 8, 0.5, 1)).hasMessageContaining("lambda");
  }

  @Test
  void learnedStopStopsOnceTheMajorityAtTheCapIsDecided() {
    var stop = new LearnedStop(model(), 0, 3, Double.NaN, Double.NaN);
    var t = new Tally();
    t.add("a", 1, 10);
    t.add("a", 1, 10); // 2-0 with one sample left: decided
    assertThat(stop.shouldStop(t)).isTrue();
  }

  @Test
  void computeOptimalPolicyRunsLearnedSelfConsistencyAndHonoursHints() {
    var policy = new ComputeOptimalPolicy(model(), 1e-4, 16, 4, 256);
    var e = new Estimate(0.7, 2, 50, "test");
    Plan plan = policy.decide(Request.of("q"), e, Budget.DEFAULT, Set.of());
    var sc = (Mode.SelfConsistency) plan.mode();
    assertThat(sc.maxSamples()).isEqualTo(16);
    assertThat(sc.wave()).isEqualTo(4);
    assertThat(sc.stop()).isEqualTo(new LearnedStop(model(), 1e-4, 16, 0.7, 100));
    assertThat(plan.maxTokensPerSample()).isEqualTo(256);
    // A client's cap reaches the rule, so its features see the real remaining samples.
    var capped = policy.decide(Request.of("q").withHints(new Request.Hints(null, null, 5, null, null, null)), e, Budget.DEFAULT, Set.of());
    assertThat(((LearnedStop) ((Mode.SelfConsistency) capped.mode()).stop()).cap()).isEqualTo(5);
    // A mode hint wins; a budget for one sample gets FAST.
    var fast = policy.decide(Request.of("q").withHints(new Request.Hints(Mode.Kind.FAST, null, null, null, null, null)), e, Budget.DEFAULT, Set.of());
    assertThat(fast.mode()).isInstanceOf(Mode.Fast.class);
    var one = policy.decide(Request.of("q"), e, Budget.ofTokens(300), Set.of(Capability.LOGPROBS));
    assertThat(one.mode()).isInstanceOf(Mode.Fast.class);
    assertThat(one.exits()).isEmpty();
    // Less than one whole sample (256 tokens): the chain's answer is forced rather than lost at the budget.
    var small = policy.decide(Request.of("q"), e, Budget.ofTokens(100), Set.of(Capability.LOGPROBS));
    assertThat(small.mode()).isInstanceOf(Mode.Fast.class);
    assertThat(small.exits()).containsExactly(dev.bursar.controller.ThinkingExit.BudgetForcing.DEFAULT);
    assertThat(policy.description()).contains("ComputeOptimal", "learned stop");
  }

  @Test
  void thresholdPolicyRunsFastOnEasyQueriesOnly() {
    var policy = new ThresholdPolicy(0.8, 8, 4, 128);
    assertThat(policy.decide(Request.of("q"), new Estimate(0.9, 1, 1, "t"), Budget.DEFAULT, Set.of()).mode()).isInstanceOf(Mode.Fast.class);
    assertThat(policy.decide(Request.of("q"), new Estimate(0.5, 1, 1, "t"), Budget.DEFAULT, Set.of()).mode()).isInstanceOf(Mode.SelfConsistency.class);
    assertThat(policy.decide(Request.of("q"), Estimate.UNKNOWN, Budget.DEFAULT, Set.of()).mode()).isInstanceOf(Mode.SelfConsistency.class);
  }

  @Test
  void policyFilesRoundTripAndLoadIntoTheSamePolicy(@TempDir Path dir) throws Exception {
    var file = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), model(), 2e-4, 0, 12, 4, 512, false,
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("command", "test"),
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
    Path p = dir.resolve("policy.json");
    file.write(p);
    var loaded = PolicyFile.load(p);
    assertThat(loaded.policy()).isEqualTo(file.policy());
    assertThat(loaded.estimator()).isEqualTo(file.estimator());
    assertThat(loaded.provenance().path("command").asText()).isEqualTo("test");
    assertThat(Files.list(dir)).containsExactly(p); // no temporary file left behind
  }

  @Test
  void aStopModelWithoutAConfidenceModelRoundTrips_andLeavesTheConfidenceToTheVoteShare() {
    var stopModel = model().withoutConfidenceModel();
    var file = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), stopModel, 2e-4, 0, 12, 4, 512, false,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    String json = file.toJson();
    assertThat(json).doesNotContain("leaderCorrect");
    var loaded = PolicyFile.parse(json);
    assertThat(loaded.stopModel().leaderCorrect()).isNull();
    assertThat(loaded.policy().description()).contains("confidence by the vote share");
    var t = new Tally();
    t.add("a", 1, 100);
    t.add("b", 1, 100);
    // NaN: the controller reports the vote share (SelfConsistencyRunner), the stop itself is unchanged.
    assertThat(new LearnedStop(loaded.stopModel(), 1e-4, 8, 0.6, 100).confidence(t)).isNaN();
    assertThat(new LearnedStop(loaded.stopModel(), 1e-4, 8, 0.6, 100).shouldStop(t)).isTrue();
  }

  @Test
  void aGreedyFirstPolicyRoundTrips_andItsSelfConsistencyDrawsTheFirstSampleGreedily() {
    var file = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), model(), 2e-4, 0, 12, 1, 512, true,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    String json = file.toJson();
    assertThat(json).contains("\"greedyFirst\" : true");
    var loaded = PolicyFile.parse(json);
    assertThat(loaded.greedyFirst()).isTrue();
    var plan = loaded.policy().decide(Request.of("Q:1+2*3\n"), Estimate.UNKNOWN, Budget.ofTokens(100_000), java.util.EnumSet.allOf(Capability.class));
    assertThat(((Mode.SelfConsistency) plan.mode()).greedyFirst()).isTrue();
    // Absent means false (files written before the field), and a wrong type is refused by name.
    assertThat(PolicyFile.parse(json.replace("\"greedyFirst\" : true,", "").replace(",\n    \"greedyFirst\" : true", "")).greedyFirst()).isFalse();
    assertThatThrownBy(() -> PolicyFile.parse(json.replace("\"greedyFirst\" : true", "\"greedyFirst\" : \"yes\"")))
        .hasMessageContaining("greedyFirst");
  }

  @Test
  void aFittedTemperatureRoundTrips_samplesThePolicy_andARequestThatNamesOneKeepsIt() {
    var file = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), model(), 2e-4, 0, 12, 1, 512, false,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance())
        .withTemperature(0.4);
    String json = file.toJson();
    assertThat(json).contains("\"temperature\" : 0.4");
    var loaded = PolicyFile.parse(json);
    assertThat(loaded.temperature()).isEqualTo(0.4);
    assertThat(loaded.policy().description()).contains("T 0.4");
    var all = java.util.EnumSet.allOf(Capability.class);
    var plan = loaded.policy().decide(Request.of("Q:1+2*3\n"), Estimate.UNKNOWN, Budget.ofTokens(100_000), all);
    assertThat(plan.sampling().temperature()).isEqualTo(0.4);
    var named = Request.of("Q:1+2*3\n").withHints(Request.Hints.NONE.withTemperature(1.0));
    assertThat(loaded.policy().decide(named, Estimate.UNKNOWN, Budget.ofTokens(100_000), all).sampling().temperature()).isEqualTo(1.0);
    // Absent: the request's (or the default) as before; out of range or on a threshold policy: refused by name.
    var without = PolicyFile.parse(json.replace(",\n    \"temperature\" : 0.4", ""));
    assertThat(without.temperature()).isNull();
    assertThat(without.policy().decide(Request.of("Q:1\n"), Estimate.UNKNOWN, Budget.ofTokens(100_000), all).sampling().temperature())
        .isEqualTo(dev.bursar.controller.Sampling.DEFAULT.temperature());
    assertThatThrownBy(() -> PolicyFile.parse(json.replace("\"temperature\" : 0.4", "\"temperature\" : 7")))
        .isInstanceOf(PolicyFile.InvalidPolicyFileException.class).hasMessageContaining("temperature must be in [0, 2], was 7.0");
    assertThatThrownBy(() -> PolicyFile.parse(json.replace("\"temperature\" : 0.4", "\"temperature\" : \"cold\"")))
        .hasMessageContaining("\"temperature\" must be a finite number");
    assertThatThrownBy(() -> new PolicyFile(PolicyFile.THRESHOLD, estimator(), null, 0, 0.5, 12, 1, 512, false, 0.4, null,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance()))
        .hasMessageContaining("temperature and deepSearch apply to a compute-optimal policy only");
  }

  @Test
  void aDeepSearchRouteTakesTheHardQueriesOnABackendThatCanSearch_andRoundTrips() {
    var route = new DeepSearchRoute(0.4, 2, 4, 12, 40);
    var file = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), model(), 2e-4, 0, 12, 1, 512, false,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance())
        .withTemperature(0.6).withDeepSearch(route);
    String json = file.toJson();
    var loaded = PolicyFile.parse(json);
    assertThat(loaded.deepSearch()).isEqualTo(route);
    assertThat(loaded.policy().description()).contains("DEEP_SEARCH(beam 2x4) when P(right) < 0.40");
    var all = java.util.EnumSet.allOf(Capability.class);
    var hard = new Estimate(0.2, 2, 30, "test");
    var easy = new Estimate(0.9, 2, 30, "test");
    Plan searched = loaded.policy().decide(Request.of("Q:1+2*3\n"), hard, Budget.ofTokens(100_000), all);
    assertThat(searched.mode()).isInstanceOf(Mode.DeepSearch.class);
    assertThat(searched.sampling().temperature()).isEqualTo(0.6);
    assertThat(searched.maxTokensPerSample()).isEqualTo(40);
    assertThat(loaded.policy().decide(Request.of("Q:1\n"), easy, Budget.ofTokens(100_000), all).mode()).isInstanceOf(Mode.SelfConsistency.class);
    // A backend that cannot feed the search (no step log-probabilities), or a client that names a mode, keeps self-consistency or its mode.
    assertThat(loaded.policy().decide(Request.of("Q:1\n"), hard, Budget.ofTokens(100_000), Set.of()).mode())
        .isInstanceOf(Mode.SelfConsistency.class);
    var named = Request.of("Q:1\n").withHints(Request.Hints.NONE.withMode(Mode.Kind.SELF_CONSISTENCY));
    assertThat(loaded.policy().decide(named, hard, Budget.ofTokens(100_000), all).mode()).isInstanceOf(Mode.SelfConsistency.class);
    // Refused by name: another verifier, a threshold out of range.
    assertThatThrownBy(() -> PolicyFile.parse(json.replace("\"step-confidence\"", "\"prm\"")))
        .hasMessageContaining("policy.deepSearch.verifier must be \"step-confidence\"");
    assertThatThrownBy(() -> PolicyFile.parse(json.replace("\"belowPCorrect\" : 0.4", "\"belowPCorrect\" : 1.5")))
        .hasMessageContaining("policy.deepSearch: belowPCorrect must be in (0, 1], was 1.5");
  }

  @Test
  void aLogitEnsembleRoundTripsAndAVersionOneFileReadsItsTreesAsSums() {
    var logit = new TreeEnsemble(-2, model().gain().trees(), TreeEnsemble.Link.LOGIT);
    var file = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), new StopModel(logit, model().leaderCorrect()), 2e-4, 0, 12, 4, 512, false,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    String json = file.toJson();
    assertThat(json).contains("\"link\" : \"logit\"", "\"schemaVersion\" : 2");
    var loaded = PolicyFile.parse(json).stopModel();
    double[] x = new double[VoteState.NAMES.size()];
    x[SAMPLES] = 1;
    assertThat(loaded.gain(x)).isCloseTo(1 / (1 + Math.exp(2 - 0.3)), org.assertj.core.data.Offset.offset(1e-12));
    // A file written before links existed: no "link", version 1; its sums are read as they were.
    String v1 = file.withLambda(2e-4).toJson().replace("\"schemaVersion\" : 2", "\"schemaVersion\" : 1")
        .replace("\"link\" : \"logit\",", "").replace("\"link\" : \"identity\",", "");
    assertThat(v1).doesNotContain("link");
    assertThat(PolicyFile.parse(v1).stopModel().gain(x)).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-12)); // -2 + 0.3, clipped
    assertThatThrownBy(() -> PolicyFile.parse(json.replace("\"link\" : \"logit\"", "\"link\" : \"probit\"")))
        .hasMessageContaining("stopModel.gain.link").hasMessageContaining("probit");
  }

  @Test
  void badPolicyFilesAreRejectedWithWhatIsWrong(@TempDir Path dir) throws Exception {
    var good = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), model(), 2e-4, 0, 12, 4, 512, false,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance()).toJson();
    assertThatThrownBy(() -> PolicyFile.parse("{")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> PolicyFile.parse(good.replace("\"schemaVersion\" : 2", "\"schemaVersion\" : 9")))
        .hasMessageContaining("schemaVersion 9 is not supported").hasMessageContaining("bursar tune");
    assertThatThrownBy(() -> PolicyFile.parse(good.replace("\"lengthShape\"", "\"shape\""))).hasMessageContaining("lengthShape");
    assertThatThrownBy(() -> PolicyFile.parse(good.replace("\"kind\" : \"compute-optimal\"", "\"kind\" : \"magic\"")))
        .hasMessageContaining("kind must be compute-optimal or threshold");
    assertThatThrownBy(() -> PolicyFile.parse(good.replace("\"cap\" : 12", "\"cap\" : 0"))).hasMessageContaining("cap");
    assertThatThrownBy(() -> PolicyFile.parse(good.replace("\"left\" : [ 1, 0, 0 ]", "\"left\" : [ 7, 0, 0 ]")))
        .hasMessageContaining("stopModel.gain.trees[0]").hasMessageContaining("children outside");
    assertThatThrownBy(() -> PolicyFile.load(dir.resolve("missing.json"))).hasMessageContaining("cannot read");
  }

  @Test
  void aStopModelsSampleTextReaderRoundTrips_scoresForTheRule_andABadOneIsRejectedByName() throws Exception {
    int p = QueryText.STATS + 8;
    double[] w = new double[p];
    w[1] = 0.5;
    var reader = new dev.bursar.estimators.SampleText(8, new LinearModel(w, -1));
    var withReader = new StopModel(model().gain(), model().leaderCorrect(), reader);
    var file = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), withReader, 2e-4, 0, 12, 1, 512, false,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    String json = file.toJson();
    var loaded = PolicyFile.parse(json);
    assertThat(loaded.stopModel().sampleText()).isEqualTo(reader);
    var stop = new LearnedStop(loaded.stopModel(), 2e-4, 12, Double.NaN, Double.NaN);
    assertThat(stop.sampleScore("three words here", "num:3", Double.NaN)).isEqualTo(reader.pRight("three words here", "num:3"));
    // A file without a reader loads as before: the rule then scores nothing.
    assertThat(new LearnedStop(model(), 2e-4, 12, Double.NaN, Double.NaN).sampleScore("text", null, Double.NaN)).isNaN();
    assertThatThrownBy(() -> PolicyFile.parse(json.replace("\"buckets\" : 8", "\"buckets\" : 9")))
        .hasMessageContaining("stopModel.sampleText").hasMessageContaining("needs " + dev.bursar.estimators.SampleText.size(9) + " weights");
    // Answering by the reader's scores: carried by the file, read by the rule, described by the policy.
    assertThat(stop.votesByScore()).isFalse();
    var byScore = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), withReader.withScoreVote(true), 2e-4, 0, 12, 1, 512, false,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    String scoreJson = byScore.toJson();
    assertThat(scoreJson).contains("\"scoreVote\" : true");
    var scoreLoaded = PolicyFile.parse(scoreJson);
    assertThat(new LearnedStop(scoreLoaded.stopModel(), 2e-4, 12, Double.NaN, Double.NaN).votesByScore()).isTrue();
    assertThat(scoreLoaded.policy().description()).contains("answer by the reader's scores");
    // Scores need a reader to come from.
    var noReader = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(scoreJson);
    ((com.fasterxml.jackson.databind.node.ObjectNode) noReader.get("stopModel")).remove("sampleText");
    assertThatThrownBy(() -> PolicyFile.parse(noReader.toString()))
        .hasMessageContaining("stopModel.scoreVote is true but there is no stopModel.sampleText");
    assertThatThrownBy(() -> model().withScoreVote(true)).hasMessageContaining("scoreVote needs a sampleText reader");
    // Confidence by the reader: carried by the file, described, and refused without a reader to read with.
    var byReader = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), withReader.withConfidenceByReader(), 2e-4, 0, 12, 1, 512, false,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    String readerJson = byReader.toJson();
    assertThat(readerJson).contains("\"confidenceByReader\" : true").doesNotContain("leaderCorrect");
    var readerLoaded = PolicyFile.parse(readerJson);
    assertThat(readerLoaded.stopModel().confidenceByReader()).isTrue();
    assertThat(readerLoaded.reportsVoteShare()).isFalse();
    assertThat(readerLoaded.policy().description()).contains("confidence by the reader");
    var readerLess = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(readerJson);
    ((com.fasterxml.jackson.databind.node.ObjectNode) readerLess.get("stopModel")).remove("sampleText");
    assertThatThrownBy(() -> PolicyFile.parse(readerLess.toString())).hasMessageContaining("stopModel.confidenceByReader");
  }

  @Test
  void anAnswerPriorRoundTrips_addsBayesianStoppingToTheLearnedStop_andABadOneIsRejectedByName() {
    // Twenty past questions, each unanimous over 8 samples: one agreeing pair settles a question.
    List<dev.bursar.estimators.AnswerPrior.Counts> past = new java.util.ArrayList<>();
    for (int q = 0; q < 20; q++) past.add(new dev.bursar.estimators.AnswerPrior.Counts(8, 0, new int[] {8}));
    var prior = new dev.bursar.estimators.AnswerPrior(past, 1000);
    var file = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), model().withAnswerPrior(prior), 1e-5, 0, 8, 1, 512, false,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    String json = file.toJson();
    assertThat(json).contains("\"answerPrior\"", "\"tokensPerSample\" : 1000.0");
    var loaded = PolicyFile.parse(json);
    assertThat(loaded.stopModel().answerPrior().questions()).hasSize(20);
    assertThat(loaded.stopModel().answerPrior().questions().getFirst().top()).containsExactly(8);
    var policy = (ComputeOptimalPolicy) loaded.policy();
    assertThat(policy.answerRule()).isNotNull();
    assertThat(policy.description()).contains("Bayesian stop on 20 past questions");
    var t = new Tally();
    t.add("a", 1, 100);
    t.add("a", 1, 100);
    // The trees' gain after two samples, 0.001, is not below 1e-5 x their 100 tokens; Bayesian stopping, which prices a
    // sample at 1e-5 x the prior's 1000 tokens per sample, stops once two answers agree.
    assertThat(new LearnedStop(loaded.stopModel(), 1e-5, 8, Double.NaN, Double.NaN).shouldStop(t)).isFalse();
    assertThat(new LearnedStop(loaded.stopModel(), 1e-5, 8, Double.NaN, Double.NaN, policy.answerRule()).shouldStop(t)).isTrue();
    // A file without an answer prior builds no rule.
    assertThat(((ComputeOptimalPolicy) new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator(), model(), 1e-5, 0, 8, 1, 512, false,
        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), com.fasterxml.jackson.databind.node.MissingNode.getInstance()).policy())
        .answerRule()).isNull();
    assertThatThrownBy(() -> PolicyFile.parse(json.replaceFirst("\\[ 8, 0, 8 \\]", "[ 8, 0, 3, 5 ]")))
        .hasMessageContaining("stopModel.answerPrior.questions[0]").hasMessageContaining("descending");
    assertThatThrownBy(() -> PolicyFile.parse(json.replace("\"tokensPerSample\" : 1000.0", "\"tokensPerSample\" : 0")))
        .hasMessageContaining("stopModel.answerPrior").hasMessageContaining("tokensPerSample must be > 0");
  }
}
