package dev.bursar.estimators;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What self-consistency's state predicts, fitted by the tuner on recorded pools:
 * {@link #gain} is the expected size of the change in the vote's accuracy that drawing on to the cap
 * would still make, whichever its sign (the expected gain of drawing more, measured so that gains and
 * losses do not cancel; near zero both for settled and for hopeless questions), and
 * {@link #confidence} is P(the current leader is right), the calibrated confidence bursar reports
 * (none when the tuner measured the vote share calibrated better: bursar then reports the vote share).
 * Both read {@link VoteState#features}, which include each sample's {@link #sampleScore} when the
 * model has a {@link SampleText} reader.
 *
 * @param leaderCorrect P(the current leader is right), or null: the confidence is the vote share
 * @param sampleText the reader of each sample's own text, or null (the features then say unknown)
 * @param answerPrior past questions' answer distributions, when the tuner found that Bayesian stopping on
 *     them, beside the trees, stops cheaper at the same accuracy; null otherwise
 * @param scoreVote whether the answer is the one whose samples the reader scores highest in sum, not the
 *     most frequent one (the tuner measured it picking the right answer more often); needs a reader
 * @param confidenceByReader whether the confidence is the reader's mean P(right) of the leader's samples (the
 *     tuner measured it better calibrated than both the confidence model and the vote share); needs a reader
 *     and no {@code leaderCorrect}
 */
public record StopModel(TreeEnsemble gain, @Nullable TreeEnsemble leaderCorrect, @Nullable SampleText sampleText, @Nullable AnswerPrior answerPrior,
    boolean scoreVote, boolean confidenceByReader) {
  public StopModel {
    Objects.requireNonNull(gain, "gain");
    if (scoreVote && sampleText == null) throw new IllegalArgumentException("scoreVote needs a sampleText reader to score the samples");
    if (confidenceByReader && (sampleText == null || leaderCorrect != null)) {
      throw new IllegalArgumentException("confidenceByReader needs a sampleText reader and no leaderCorrect model");
    }
    int n = VoteState.NAMES.size();
    if (gain.maxFeature() >= n || leaderCorrect != null && leaderCorrect.maxFeature() >= n) {
      throw new IllegalArgumentException("a stop model reads at most " + n + " vote-state features");
    }
  }

  /** A stop model that reads the vote and the lengths only. */
  public StopModel(TreeEnsemble gain, TreeEnsemble leaderCorrect) {
    this(gain, leaderCorrect, null);
  }

  /** A stop model of trees only (no answer prior). */
  public StopModel(TreeEnsemble gain, TreeEnsemble leaderCorrect, @Nullable SampleText sampleText) {
    this(gain, leaderCorrect, sampleText, null);
  }

  /** A stop model whose confidence is its confidence model's (or, without one, the vote share). */
  public StopModel(TreeEnsemble gain, @Nullable TreeEnsemble leaderCorrect, @Nullable SampleText sampleText, @Nullable AnswerPrior answerPrior,
      boolean scoreVote) {
    this(gain, leaderCorrect, sampleText, answerPrior, scoreVote, false);
  }

  /** A stop model whose answer is the most frequent one. */
  public StopModel(TreeEnsemble gain, TreeEnsemble leaderCorrect, @Nullable SampleText sampleText, @Nullable AnswerPrior answerPrior) {
    this(gain, leaderCorrect, sampleText, answerPrior, false);
  }

  /** {@return a copy that also carries {@code prior} (null: none)} */
  public StopModel withAnswerPrior(@Nullable AnswerPrior prior) {
    return new StopModel(gain, leaderCorrect, sampleText, prior, scoreVote, confidenceByReader);
  }

  /** {@return a copy without the confidence model: bursar then reports the vote share} */
  public StopModel withoutConfidenceModel() {
    return new StopModel(gain, null, sampleText, answerPrior, scoreVote, false);
  }

  /** {@return a copy whose confidence is the reader's mean P(right) of the leader's samples} */
  public StopModel withConfidenceByReader() {
    return new StopModel(gain, null, sampleText, answerPrior, scoreVote, true);
  }

  /** {@return a copy that answers by the reader's scores ({@code true}) or by the count} */
  public StopModel withScoreVote(boolean byScore) {
    return new StopModel(gain, leaderCorrect, sampleText, answerPrior, byScore, confidenceByReader);
  }

  /**
   * {@return P(a sample with this text, answer (its vote key, null: none) and verifier score (NaN: none) is
   * right) by the model's reader, NaN when it has none}
   */
  public double sampleScore(String text, @Nullable String answerKey, double verifierScore) {
    return sampleText == null || text == null ? Double.NaN : sampleText.pRight(text, answerKey, verifierScore);
  }

  /** {@return the expected change still to come, at least 0 (boosting's sum can dip below)} */
  public double gain(double[] voteState) {
    double trees = Math.max(0, gain.predict(voteState));
    double leaderP = voteState[VoteState.LEADER_TEXT_P];
    // Drawing on can gain at most the chance that the answer now is wrong. The leader is the answer either way
    // when its samples score at least as high as any other answer's (more votes and a higher mean: the higher sum).
    if (leaderP >= 0 && leaderP >= voteState[VoteState.OTHER_TEXT_P]) return Math.min(trees, 1 - leaderP);
    return trees;
  }

  /**
   * {@return P(the current leader is right): the confidence model's, or the reader's mean score of the leader's
   * samples; NaN without either, or when the reader scored none of them (the vote share is reported)}
   */
  public double confidence(double[] voteState) {
    if (confidenceByReader) return voteState[VoteState.LEADER_TEXT_P] >= 0 ? voteState[VoteState.LEADER_TEXT_P] : Double.NaN;
    return leaderCorrect == null ? Double.NaN : Math.clamp(leaderCorrect.predict(voteState), 0.0, 1.0);
  }
}
