package dev.bursar.estimators;

import dev.bursar.controller.Estimate;
import dev.bursar.controller.Estimator;
import dev.bursar.controller.Features;
import dev.bursar.controller.Request;
import java.util.Objects;

/**
 * The difficulty and length estimator fitted by the tuner, scored from the query's text
 * ({@link QueryText}): P(one sample is right) by logistic regression, and one sample's output
 * tokens as a Gamma(k, θ) whose mean is log-linear in the same features (ALGORITHMS.md §1).
 *
 * @param buckets hashed n-gram buckets of {@link QueryText#features}
 * @param difficulty logistic model of P(one sample is right)
 * @param logMeanLength linear model of the log of the expected output tokens
 * @param lengthShape the Gamma's shape k, fitted by maximum likelihood around those means
 */
public record FittedEstimator(int buckets, LinearModel difficulty, LinearModel logMeanLength, double lengthShape)
    implements Estimator {

  public FittedEstimator {
    Objects.requireNonNull(difficulty, "difficulty");
    Objects.requireNonNull(logMeanLength, "logMeanLength");
    int n = QueryText.STATS + buckets;
    if (difficulty.size() != n || logMeanLength.size() != n) {
      throw new IllegalArgumentException("both models need " + n + " weights (" + QueryText.STATS
          + " statistics + " + buckets + " buckets), got " + difficulty.size() + " and " + logMeanLength.size());
    }
    if (!(lengthShape > 0) || Double.isInfinite(lengthShape)) {
      throw new IllegalArgumentException("lengthShape must be > 0, was " + lengthShape);
    }
  }

  @Override
  public Estimate estimate(Request request, Features features) {
    double[] x = QueryText.features(request.prompt(), buckets);
    double mean = Math.max(1.0, logMeanLength.exp(x));
    return new Estimate(difficulty.probability(x), lengthShape, mean / lengthShape, "fitted{query-text}");
  }

  @Override
  public String description() {
    return "Fitted{query-text: difficulty logistic, length Gamma(k=" + String.format(java.util.Locale.ROOT, "%.3g", lengthShape)
        + ") log-linear, " + buckets + " n-gram buckets}";
  }
}
