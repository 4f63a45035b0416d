package dev.bursar.tuner;

import dev.bursar.controller.StoppingRule;
import dev.bursar.controller.Tally;
import dev.bursar.estimators.VoteState;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One question replayed in one draw order, as self-consistency would see it after each sample: the
 * vote-state features (exactly as {@link dev.bursar.policies.LearnedStop} computes them at run time),
 * the accuracy of stopping there, the tokens spent and whether the majority at the cap is decided.
 * Index {@code n-1} describes the state after {@code n} samples. A question recorded with fewer
 * samples than the policy's cap ends early, as the replay backend does when it runs out.
 */
final class Episode {
  final Question question;
  /** The policy's cap, which the features and the decided rule see. */
  final int cap;
  /** Samples this episode can draw: the order's length, at most the cap. */
  final int steps;
  final double[][] features;
  /** The accuracy of the policy's answer after each sample: by the reader's scores or by the count, as it votes. */
  final double[] accuracyNow;
  /** The accuracy of the most frequent answer after each sample (ties: a uniform tie-break), what the confidence model predicts. */
  final double[] majorityNow;
  final long[] tokens;
  final boolean[] decided;
  final double[] meanTokens;

  /**
   * @param sampleScores each of {@code q}'s samples' text score as the stop model reads it (by sample
   *     index, NaN when unknown), or null when there is no reader
   * @param scoreVote whether the policy answers by the summed scores ({@link Tally#scoreLeader}) instead of the count
   */
  Episode(Question q, int[] order, int cap, double priorPCorrect, double predictedLength, double @Nullable [] sampleScores, boolean scoreVote) {
    this.question = q;
    this.cap = cap;
    this.steps = Math.min(cap, order.length);
    features = new double[steps][];
    accuracyNow = new double[steps];
    majorityNow = new double[steps];
    tokens = new long[steps];
    decided = new boolean[steps];
    meanTokens = new double[steps];
    var tally = new Tally();
    long spent = 0;
    for (int n = 1; n <= steps; n++) {
      int i = order[n - 1];
      tally.add(q.keys().get(i), 1.0, q.tokens()[i], q.meanLogprobs()[i], sampleScores == null ? Double.NaN : sampleScores[i]);
      spent += q.tokens()[i];
      features[n - 1] = VoteState.features(tally, cap, priorPCorrect, predictedLength);
      majorityNow[n - 1] = q.accuracyOf(tally.leaders());
      String byScore = scoreVote ? tally.scoreLeader() : null;
      accuracyNow[n - 1] = byScore == null ? majorityNow[n - 1] : q.accuracyOf(List.of(byScore));
      tokens[n - 1] = spent;
      decided[n - 1] = VoteState.decided(features[n - 1]);
      meanTokens[n - 1] = (double) spent / n;
    }
  }

  /** {@return the accuracy of the policy's answer after every sample the episode can draw} */
  double accuracyAtCap() {
    return accuracyNow[steps - 1];
  }

  /** {@return self-consistency's accuracy at the cap (the most frequent answer): the target's reference} */
  double majorityAtCap() {
    return majorityNow[steps - 1];
  }

  /** {@return the stop index (samples - 1) of a rule run on this order, via the real rule object} */
  static int stopIndex(Question q, int[] order, StoppingRule rule) {
    var tally = new Tally();
    int cap = rule.cap(order.length);
    for (int n = 1; n <= cap; n++) {
      int i = order[n - 1];
      String text = q.texts().get(i);
      tally.add(q.keys().get(i), 1.0, q.tokens()[i], q.meanLogprobs()[i], text == null ? Double.NaN
          : rule.sampleScore(text, q.keys().get(i), q.verifierScores()[i]));
      if (rule.shouldStop(tally)) return n - 1;
    }
    return cap - 1;
  }

  /** {@return the stop model's expected gain after each sample but the last, as {@link Tuner#stopIndex} reads it} */
  double[] gains(dev.bursar.estimators.StopModel stop) {
    double[] gain = new double[steps];
    for (int n = 1; n < steps; n++) gain[n - 1] = stop.gain(features[n - 1]);
    return gain;
  }
}
