package dev.bursar.estimators;

import dev.bursar.controller.StoppingRules;
import dev.bursar.controller.Tally;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The features of self-consistency's state after each sample, which the learned stopping rule
 * and the calibrated confidence read: the vote (samples, counts of the two leaders, distinct
 * answers, entropy, agreement of the first and the latest samples, the Beta posterior that the
 * leader is the majority), the samples still allowed, the lengths of the samples drawn (against
 * each other and against the query's predicted length), the query's prior difficulty and the
 * model's own confidence in the leader (the mean token log-probability of its samples, when the
 * backend gives log-probabilities) and, when the stop model has a {@link SampleText} reader, what the
 * samples' own texts say: the mean P(right) of the leader's samples and that of the best other
 * answer. Unknown priors and text scores are -1 and an unknown log-probability is +1
 * (above every real one), which a tree splits apart from every real value. Features are only ever
 * appended, so a fitted model keeps reading the ones it was fitted on.
 */
public final class VoteState {
  public static final List<String> NAMES = List.of(
      "samples", "votes", "top", "second", "distinct", "no_answer", "share", "margin", "remaining",
      "margin_minus_remaining", "beta_majority", "entropy", "first_two_agree", "leader_run",
      "prior_p_correct", "length_vs_predicted", "leader_length_vs_mean", "cap", "leader_mean_logprob",
      "leader_text_p", "other_text_p");

  /** Index of {@code margin_minus_remaining}: above 0, the majority at the cap is decided. */
  public static final int MARGIN_MINUS_REMAINING = 9;

  /** Index of {@code leader_text_p}: the leader's samples' mean reader score (-1: none scored). */
  public static final int LEADER_TEXT_P = 19;

  /** Index of {@code other_text_p}: the best other answer's mean reader score (-1: none). */
  public static final int OTHER_TEXT_P = 20;

  private VoteState() {}

  /** {@return whether the majority at the cap is decided: no draw left can change it} */
  public static boolean decided(double[] features) {
    return features[MARGIN_MINUS_REMAINING] > 0;
  }

  /**
   * @param tally the samples drawn so far, with their output tokens
   * @param cap the most samples the plan allows
   * @param priorPCorrect the estimator's P(one sample is right), NaN when unknown
   * @param predictedLength the estimator's expected output tokens of one sample, NaN when unknown
   */
  public static double[] features(Tally tally, int cap, double priorPCorrect, double predictedLength) {
    double[] x = new double[NAMES.size()];
    int n = tally.samples();
    int votes = tally.votes();
    int[] counts = tally.sortedCounts();
    int top = counts.length > 0 ? counts[0] : 0;
    int second = counts.length > 1 ? counts[1] : 0;
    String leader = tally.leader();
    List<String> history = tally.history();
    double entropy = 0;
    for (int c : counts) {
      double p = (double) c / votes;
      entropy -= p * Math.log(p);
    }
    int run = 0;
    for (int i = history.size() - 1; i >= 0 && leader != null && leader.equals(history.get(i)); i--) run++;
    double meanTokens = n == 0 ? 0 : (double) tally.totalOutputTokens() / n;
    double leaderTokens = 0;
    double leaderLogprob = 0;
    int leaderLogprobs = 0;
    // Summed text score and scored samples per answer (the leader's among them); null without a reader,
    // so a stop check with no scores allocates nothing.
    Map<String, double[]> text = null;
    for (int i = 0; i < n; i++) {
      String key = history.get(i);
      if (key == null || Double.isNaN(tally.sampleScore(i))) continue;
      if (text == null) text = new HashMap<>();
      double[] t = text.computeIfAbsent(key, k -> new double[2]);
      t[0] += tally.sampleScore(i);
      t[1]++;
    }
    for (int i = 0; i < n; i++) {
      if (leader == null || !leader.equals(history.get(i))) continue;
      leaderTokens += tally.outputTokens(i);
      if (!Double.isNaN(tally.meanLogprob(i))) {
        leaderLogprob += tally.meanLogprob(i);
        leaderLogprobs++;
      }
    }
    x[0] = n;
    x[1] = votes;
    x[2] = top;
    x[3] = second;
    x[4] = counts.length;
    x[5] = n - votes;
    x[6] = votes == 0 ? 0 : (double) top / votes;
    x[7] = top - second;
    x[8] = cap - n;
    x[9] = (top - second) - (cap - n);
    x[10] = StoppingRules.betaMajorityProbability(top, second);
    x[11] = entropy;
    x[12] = n >= 2 && history.get(0) != null && Objects.equals(history.get(0), history.get(1)) ? 1 : 0;
    x[13] = run;
    x[14] = Double.isNaN(priorPCorrect) ? -1 : priorPCorrect;
    x[15] = Double.isNaN(predictedLength) || predictedLength <= 0 || n == 0 ? -1 : meanTokens / predictedLength;
    x[16] = top == 0 || meanTokens <= 0 ? -1 : (leaderTokens / top) / meanTokens;
    x[17] = cap;
    x[18] = leaderLogprobs == 0 ? 1 : leaderLogprob / leaderLogprobs;
    double[] lt = leader == null || text == null ? null : text.get(leader);
    x[19] = lt == null ? -1 : lt[0] / lt[1];
    double other = -1;
    if (text != null) {
      for (var e : text.entrySet()) if (!e.getKey().equals(leader)) other = Math.max(other, e.getValue()[0] / e.getValue()[1]);
    }
    x[20] = other;
    return x;
  }
}
