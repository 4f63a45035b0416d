package dev.bursar.estimators;

import java.util.Objects;

/**
 * What self-consistency's state predicts, fitted by the tuner on recorded pools:
 * {@link #gain} is the expected size of the change in the vote's accuracy that drawing on to the cap
 * would still make, whichever its sign (the expected gain of drawing more, measured so that gains and
 * losses do not cancel; near zero both for settled and for hopeless questions), and
 * {@link #confidence} is P(the current leader is right), the calibrated confidence bursar reports.
 * Both read {@link VoteState#features}.
 */
public record StopModel(TreeEnsemble gain, TreeEnsemble leaderCorrect) {
  public StopModel {
    Objects.requireNonNull(gain, "gain");
    Objects.requireNonNull(leaderCorrect, "leaderCorrect");
    int n = VoteState.NAMES.size();
    if (gain.maxFeature() >= n || leaderCorrect.maxFeature() >= n) {
      throw new IllegalArgumentException("a stop model reads at most " + n + " vote-state features");
    }
  }

  /** {@return the expected change still to come, at least 0 (boosting's sum can dip below)} */
  public double gain(double[] voteState) {
    return Math.max(0, gain.predict(voteState));
  }

  public double confidence(double[] voteState) {
    return Math.clamp(leaderCorrect.predict(voteState), 0.0, 1.0);
  }
}
