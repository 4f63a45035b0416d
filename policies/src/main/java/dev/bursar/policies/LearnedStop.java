package dev.bursar.policies;

import dev.bursar.controller.StoppingRule;
import dev.bursar.controller.Tally;
import dev.bursar.estimators.StopModel;
import dev.bursar.estimators.VoteState;
import org.jspecify.annotations.Nullable;

/**
 * bursar's learned, prior-informed stopping rule for one query: after each sample, stop when the
 * expected gain of drawing on (the {@link StopModel}'s prediction from the vote, the lengths, the
 * query's prior and, when the model has a reader, what each sample's text says) is below
 * {@code lambda} times the expected cost of the next sample (the mean output tokens of the samples
 * so far). Settled questions stop because nothing can be gained,
 * hopeless ones because more samples never make the vote right. It also stops once the majority at
 * the cap is decided. Pure: a function of the tally and the fixed prior.
 *
 * @param model the fitted gain and confidence models
 * @param lambda accuracy traded per output token (0: stop only once the majority at the cap is decided)
 * @param cap the most samples the plan allows
 * @param priorPCorrect the estimator's P(one sample is right) for this query, NaN when unknown
 * @param predictedLength the estimator's expected tokens of one sample, NaN when unknown
 * @param answerRule Bayesian stopping on the model's answer prior at the same lambda, which also stops
 *     (while fewer samples than its own cap are drawn), or null: none
 */
public record LearnedStop(StopModel model, double lambda, int cap, double priorPCorrect, double predictedLength,
    BayesianStop.@Nullable Rule answerRule) implements StoppingRule {

  public LearnedStop {
    if (!(lambda >= 0) || Double.isInfinite(lambda)) throw new IllegalArgumentException("lambda must be >= 0, was " + lambda);
    if (cap < 1) throw new IllegalArgumentException("cap must be >= 1, was " + cap);
  }

  /** The trees' rule alone. */
  public LearnedStop(StopModel model, double lambda, int cap, double priorPCorrect, double predictedLength) {
    this(model, lambda, cap, priorPCorrect, predictedLength, null);
  }

  @Override
  public boolean shouldStop(Tally tally) {
    if (tally.samples() >= cap) return true;
    double[] x = VoteState.features(tally, cap, priorPCorrect, predictedLength);
    if (VoteState.decided(x)) return true;
    if (answerRule != null && tally.samples() < answerRule.prior().cap() && answerRule.shouldStop(tally)) return true;
    double nextCost = tally.samples() == 0 ? 0 : (double) tally.totalOutputTokens() / tally.samples();
    // Strictly below: at lambda 0 only a decided majority stops early, which keeps SC's accuracy.
    return model.gain(x) < lambda * nextCost;
  }

  @Override
  public double confidence(Tally tally) {
    return tally.votes() == 0 ? Double.NaN : model.confidence(VoteState.features(tally, cap, priorPCorrect, predictedLength));
  }

  @Override
  public double sampleScore(String text, @Nullable String answerKey, double verifierScore) {
    return model.sampleScore(text, answerKey, verifierScore);
  }

  @Override
  public boolean votesByScore() {
    return model.scoreVote();
  }

  @Override
  public int cap(int maxSamples) {
    return Math.min(cap, maxSamples);
  }

  @Override
  public String family() {
    return "bursar";
  }

  @Override
  public Double param() {
    return lambda;
  }
}
