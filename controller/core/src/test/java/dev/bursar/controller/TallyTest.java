package dev.bursar.controller;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class TallyTest {

  @Test
  void leader_tieGoesToFirstAppearance_andLeadersListsAllTied() {
    var t = new Tally();
    t.add("b"); t.add("a"); t.add("a"); t.add("b"); t.add(null);
    assertThat(t.leader()).isEqualTo("b");
    assertThat(t.leaders()).containsExactly("b", "a");
    assertThat(t.samples()).isEqualTo(5);
    assertThat(t.votes()).isEqualTo(4);
  }

  @Test
  void weightedLeader_followsSummedWeights() {
    var t = new Tally();
    t.add("a", 0.1); t.add("a", 0.1); t.add("b", 0.5);
    assertThat(t.leader()).isEqualTo("a");
    assertThat(t.weightedLeader()).isEqualTo("b");
    assertThat(t.weightedLeaderShare()).isCloseTo(0.5 / 0.7, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void scoreLeader_sumsEachAnswersSampleScores_tiesByCountThenFirstAppearance_andFallsBackToTheCountWithoutScores() {
    var t = new Tally();
    t.add("a", 1, 10, Double.NaN, 0.2); t.add("a", 1, 10, Double.NaN, 0.2); t.add("b", 1, 10, Double.NaN, 0.9); t.add(null);
    assertThat(t.leader()).isEqualTo("a");
    assertThat(t.scoreLeader()).isEqualTo("b");
    assertThat(t.meanScore("a")).isCloseTo(0.2, org.assertj.core.api.Assertions.within(1e-12));
    var tied = new Tally();
    tied.add("x", 1, 10, Double.NaN, 0.5); tied.add("y", 1, 10, Double.NaN, 0.25); tied.add("y", 1, 10, Double.NaN, 0.25);
    assertThat(tied.scoreLeader()).isEqualTo("y"); // equal sums: the more frequent answer
    var unscored = new Tally();
    unscored.add("c", 1, 10, Double.NaN, 0.9); unscored.add("d"); unscored.add("d");
    assertThat(unscored.scoreLeader()).isEqualTo("d");
    assertThat(new Tally().scoreLeader()).isNull();
  }

  @Test
  void noVotes_noLeader() {
    var t = new Tally();
    t.add(null);
    assertThat(t.leader()).isNull();
    assertThat(t.leaders()).isEmpty();
    assertThat(t.leaderShare()).isZero();
  }

  @Test
  void sampleScores_areKeptPerSample_andUnknownIsNaN() {
    var t = new Tally();
    t.add("a", 1.0, 10, -0.2, 0.9);
    t.add("b", 1.0, 12);
    assertThat(t.sampleScore(0)).isEqualTo(0.9);
    assertThat(t.sampleScore(1)).isNaN();
    assertThat(t.meanLogprob(0)).isEqualTo(-0.2);
  }
}
