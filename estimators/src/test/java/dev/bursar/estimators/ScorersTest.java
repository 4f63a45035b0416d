package dev.bursar.estimators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bursar.controller.Features;
import dev.bursar.controller.Request;
import dev.bursar.controller.Tally;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ScorersTest {

  @Test
  void queryTextHasStatisticsThenUnitNormHashedNgrams() {
    double[] x = QueryText.features("What is 17 + 25 * 3?", 32);
    assertThat(x).hasSize(QueryText.STATS + 32);
    assertThat(x[3]).isCloseTo(Math.log1p(3), within(1e-12)); // three numbers
    assertThat(x[4]).isCloseTo(Math.log1p(2), within(1e-12)); // two operators
    assertThat(x[6]).isEqualTo(2); // longest number has two digits
    double norm = 0;
    for (int i = QueryText.STATS; i < x.length; i++) norm += x[i] * x[i];
    assertThat(norm).isCloseTo(1.0, within(1e-9));
    assertThat(QueryText.features("What is 17 + 25 * 3?", 32)).isEqualTo(x); // deterministic
    double[] empty = QueryText.features("", 8);
    assertThat(empty[5]).isEqualTo(Math.log1p(1)); // one line
    empty[5] = 0;
    assertThat(empty).containsOnly(0.0);
  }

  @Test
  void treesWalkLeftWhenTheFeatureIsAtMostTheThreshold() {
    // x0 <= 1 ? (x1 <= 0 ? 10 : 20) : 30
    var tree = new TreeEnsemble.Tree(new int[] {0, 1, -1, -1, -1}, new double[] {1, 0, 0, 0, 0},
        new int[] {1, 3, 0, 0, 0}, new int[] {2, 4, 0, 0, 0}, new double[] {0, 0, 30, 10, 20});
    var ensemble = new TreeEnsemble(0.5, List.of(tree, TreeEnsemble.Tree.leaf(1)));
    assertThat(ensemble.predict(new double[] {1, 0})).isEqualTo(11.5);
    assertThat(ensemble.predict(new double[] {0, 0.1})).isEqualTo(21.5);
    assertThat(ensemble.predict(new double[] {1.01, -5})).isEqualTo(31.5);
    assertThat(ensemble.maxFeature()).isEqualTo(1);
    assertThatThrownBy(() -> new TreeEnsemble.Tree(new int[] {0}, new double[1], new int[] {0}, new int[] {0}, new double[1]))
        .hasMessageContaining("children outside");
  }

  @Test
  void linearModelsCheckTheirInput() {
    var m = new LinearModel(new double[] {2, -1}, 0.5);
    assertThat(m.score(new double[] {1, 1})).isEqualTo(1.5);
    assertThat(m.probability(new double[] {0, 0.5})).isEqualTo(0.5);
    assertThatThrownBy(() -> m.score(new double[] {1})).hasMessageContaining("expected 2 features");
    assertThatThrownBy(() -> new LinearModel(new double[] {Double.NaN}, 0)).hasMessageContaining("finite");
  }

  @Test
  void voteStateDescribesTheVoteTheLengthsAndThePrior() {
    var t = new Tally();
    t.add("a", 1, 100);
    t.add("a", 1, 120);
    t.add("b", 1, 300);
    t.add(null, 1, 80);
    double[] x = VoteState.features(t, 10, 0.7, 150);
    assertThat(x).hasSize(VoteState.NAMES.size());
    assertThat(x[VoteState.NAMES.indexOf("samples")]).isEqualTo(4);
    assertThat(x[VoteState.NAMES.indexOf("votes")]).isEqualTo(3);
    assertThat(x[VoteState.NAMES.indexOf("top")]).isEqualTo(2);
    assertThat(x[VoteState.NAMES.indexOf("second")]).isEqualTo(1);
    assertThat(x[VoteState.NAMES.indexOf("no_answer")]).isEqualTo(1);
    assertThat(x[VoteState.NAMES.indexOf("remaining")]).isEqualTo(6);
    assertThat(x[VoteState.NAMES.indexOf("first_two_agree")]).isEqualTo(1);
    assertThat(x[VoteState.NAMES.indexOf("leader_run")]).isZero();
    assertThat(x[VoteState.NAMES.indexOf("prior_p_correct")]).isEqualTo(0.7);
    assertThat(x[VoteState.NAMES.indexOf("length_vs_predicted")]).isCloseTo(150.0 / 150, within(1e-12));
    assertThat(x[VoteState.NAMES.indexOf("leader_length_vs_mean")]).isCloseTo(110.0 / 150, within(1e-12));
    // An unknown prior is -1, apart from every probability.
    assertThat(VoteState.features(t, 10, Double.NaN, Double.NaN)[VoteState.NAMES.indexOf("prior_p_correct")]).isEqualTo(-1);
    // No log-probabilities given: +1, above every real one.
    assertThat(x[VoteState.NAMES.indexOf("leader_mean_logprob")]).isEqualTo(1);
  }

  @Test
  void voteStateReadsTheLeadersMeanLogprobOverTheSamplesThatHaveOne() {
    var t = new Tally();
    t.add("a", 1, 10, -0.2);
    t.add("b", 1, 10, -3.0);
    t.add("a", 1, 10, Double.NaN);
    t.add("a", 1, 10, -0.4);
    double[] x = VoteState.features(t, 8, Double.NaN, Double.NaN);
    assertThat(x[VoteState.NAMES.indexOf("leader_mean_logprob")]).isCloseTo(-0.3, within(1e-12));
    assertThat(t.meanLogprob(1)).isEqualTo(-3.0);
    assertThat(t.meanLogprob(2)).isNaN();
  }

  @Test
  void fittedEstimatorScoresDifficultyAndAGammaLengthFromTheText() {
    int p = QueryText.STATS + 4;
    double[] w = new double[p];
    w[0] = -0.5; // longer prompts are harder
    double[] lw = new double[p];
    lw[0] = 1.0; // and longer to answer
    var est = new FittedEstimator(4, new LinearModel(w, 2), new LinearModel(lw, 1), 2.0);
    var shortQ = est.estimate(Request.of("1+1"), Features.NONE);
    var longQ = est.estimate(Request.of("a much longer question that takes more words to state"), Features.NONE);
    assertThat(shortQ.pCorrect()).isGreaterThan(longQ.pCorrect());
    assertThat(longQ.expectedLength()).isGreaterThan(shortQ.expectedLength());
    assertThat(shortQ.lengthShape()).isEqualTo(2.0);
    assertThat(shortQ.source()).isEqualTo("fitted{query-text}");
    assertThatThrownBy(() -> new FittedEstimator(5, new LinearModel(w, 0), new LinearModel(lw, 0), 1))
        .hasMessageContaining("13 weights");
  }

  @Test
  void voteStateReadsWhatTheSamplesTextsSay_theLeadersMeanAndTheBestOtherAnswers() {
    var t = new Tally();
    t.add("a", 1, 10, Double.NaN, 0.9);
    t.add("b", 1, 10, Double.NaN, 0.2);
    t.add("a", 1, 10, Double.NaN, 0.7);
    t.add("c", 1, 10, Double.NaN, 0.4);
    double[] x = VoteState.features(t, 8, Double.NaN, Double.NaN);
    assertThat(x[VoteState.NAMES.indexOf("leader_text_p")]).isCloseTo(0.8, within(1e-12));
    assertThat(x[VoteState.NAMES.indexOf("other_text_p")]).isCloseTo(0.4, within(1e-12));
    // No reader (scores NaN): both unknown, -1.
    var plain = new Tally();
    plain.add("a", 1, 10);
    double[] y = VoteState.features(plain, 8, Double.NaN, Double.NaN);
    assertThat(y[VoteState.NAMES.indexOf("leader_text_p")]).isEqualTo(-1);
    assertThat(y[VoteState.NAMES.indexOf("other_text_p")]).isEqualTo(-1);
  }

  @Test
  void sampleTextScoresATextThroughItsLogisticModel_andChecksItsSize() {
    int p = QueryText.STATS + 16;
    double[] w = new double[p];
    w[0] = 1; // log(1 + characters)
    var reader = new SampleText(16, new LinearModel(w, -3));
    assertThat(reader.readsAnswer()).isFalse(); // a reader of an earlier policy file: the text alone
    assertThat(reader.pRight("x".repeat(200), null)).isGreaterThan(reader.pRight("x", null));
    assertThat(reader.pRight("x", "num:18.5")).isEqualTo(reader.pRight("x", null));
    var stop = new StopModel(new TreeEnsemble(0, List.of()), new TreeEnsemble(0.5, List.of()), reader);
    assertThat(stop.sampleScore("abc", "num:3", Double.NaN)).isEqualTo(reader.pRight("abc", "num:3"));
    assertThat(new StopModel(new TreeEnsemble(0, List.of()), new TreeEnsemble(0.5, List.of())).sampleScore("abc", "num:3", Double.NaN)).isNaN();
    assertThatThrownBy(() -> new SampleText(32, new LinearModel(w, 0)))
        .hasMessageContaining("needs " + SampleText.size(32) + " weights");
  }

  @Test
  void sampleTextReadsAVerifiersScore_whenItHasItsWeights_andAnUnscoredSampleReadsAsTheTextAlone() {
    double[] w = new double[SampleText.size(16)];
    w[QueryText.STATS + 16 + SampleText.ANSWER_STATS] = -1; // scored at all
    w[QueryText.STATS + 16 + SampleText.ANSWER_STATS + 1] = 2; // the score
    var reader = new SampleText(16, new LinearModel(w, 0));
    assertThat(reader.readsVerifier()).isTrue();
    assertThat(reader.readsAnswer()).isTrue();
    assertThat(reader.pRight("ans = 3", "num:3", 3.0)).isGreaterThan(0.99);
    assertThat(reader.pRight("ans = 3", "num:3", -2.0)).isLessThan(0.01);
    assertThat(reader.pRight("ans = 3", "num:3", Double.NaN)).isEqualTo(0.5).isEqualTo(reader.pRight("ans = 3", "num:3"));
    // A reader of an earlier release ignores the score.
    var older = new SampleText(16, new LinearModel(new double[QueryText.STATS + 16 + SampleText.ANSWER_STATS], 0));
    assertThat(older.readsVerifier()).isFalse();
    assertThat(older.pRight("ans = 3", "num:3", 3.0)).isEqualTo(0.5);
  }

  @Test
  void aStopModelConfidentByItsReader_reportsTheLeadersMeanScore_andNothingWhereTheReaderScoredNone() {
    var reader = new SampleText(16, new LinearModel(new double[SampleText.size(16)], 0));
    var stop = new StopModel(new TreeEnsemble(0, List.of()), new TreeEnsemble(0.5, List.of()), reader).withConfidenceByReader();
    assertThat(stop.leaderCorrect()).isNull();
    double[] x = new double[VoteState.NAMES.size()];
    x[VoteState.LEADER_TEXT_P] = 0.93;
    assertThat(stop.confidence(x)).isEqualTo(0.93);
    x[VoteState.LEADER_TEXT_P] = -1;
    assertThat(stop.confidence(x)).isNaN();
    assertThatThrownBy(() -> new StopModel(new TreeEnsemble(0, List.of()), null, null, null, false, true))
        .hasMessageContaining("needs a sampleText reader");
  }

  @Test
  void theGainIsAtMostTheChanceThatTheLeaderIsWrong_whenTheReaderScoresTheLeaderHighest() {
    var stop = new StopModel(new TreeEnsemble(0.3, List.of()), new TreeEnsemble(0.5, List.of()));
    double[] x = new double[VoteState.NAMES.size()];
    x[VoteState.LEADER_TEXT_P] = 0.99;
    x[VoteState.LEADER_TEXT_P + 1] = 0.2;
    assertThat(stop.gain(x)).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-12));
    x[VoteState.LEADER_TEXT_P + 1] = 0.995; // another answer reads better: the leader may not be the answer
    assertThat(stop.gain(x)).isEqualTo(0.3);
    x[VoteState.LEADER_TEXT_P] = -1; // no reader
    x[VoteState.LEADER_TEXT_P + 1] = -1;
    assertThat(stop.gain(x)).isEqualTo(0.3);
  }

  @Test
  void sampleTextReadsTheAnswersShape_whenItHasItsWeights() {
    double[] w = new double[QueryText.STATS + 16 + SampleText.ANSWER_STATS];
    w[QueryText.STATS + 16 + 4] = 3; // an integer
    w[QueryText.STATS + 16 + 8] = -3; // a date that is no calendar day
    var reader = new SampleText(16, new LinearModel(w, -1));
    assertThat(reader.readsAnswer()).isTrue();
    assertThat(reader.pRight("ans = 37 / 2", "num:18")).isGreaterThan(0.8);
    assertThat(reader.pRight("ans = 37 / 2", "num:18.5")).isLessThan(0.3);
    assertThat(reader.pRight("A: 02/30/2001", "date:2/30/2001")).isLessThan(reader.pRight("A: 02/28/2001", "date:2/28/2001"));
    assertThat(SampleText.answerFeatures(null)[0]).isEqualTo(1);
    assertThat(SampleText.answerFeatures("num:-2.25")).containsExactly(0, 1, 0, 0, 0, 1, Math.log10(3.25), 2, 0, 0);
    assertThat(SampleText.answerFeatures("str:\\frac{1}{2}")[9]).isEqualTo(Math.log1p(11));
  }
}
