package dev.bursar.controller;

import org.jspecify.annotations.Nullable;

/**
 * What an {@link Estimator} predicts about one query before any compute is spent. NaN means
 * unknown: a policy must work with whatever is known.
 *
 * @param pCorrect probability that one sample answers correctly (difficulty)
 * @param lengthShape shape k of the Gamma(k, θ) distribution of one sample's output tokens
 * @param lengthScale scale θ of that distribution
 * @param source what produced the estimate and from which signals, for traces
 */
public record Estimate(double pCorrect, double lengthShape, double lengthScale, String source) {
  /** Nothing is known: what {@link Estimator#none()} returns. */
  public static final Estimate UNKNOWN = new Estimate(Double.NaN, Double.NaN, Double.NaN, "none");

  public Estimate {
    if (!Double.isNaN(pCorrect) && !(pCorrect >= 0 && pCorrect <= 1)) {
      throw new IllegalArgumentException("pCorrect must be in [0, 1] or NaN, was " + pCorrect);
    }
    if (!Double.isNaN(lengthShape) && !(lengthShape > 0)) {
      throw new IllegalArgumentException("lengthShape must be > 0 or NaN, was " + lengthShape);
    }
    if (!Double.isNaN(lengthScale) && !(lengthScale > 0)) {
      throw new IllegalArgumentException("lengthScale must be > 0 or NaN, was " + lengthScale);
    }
  }

  /** {@return the expected output tokens of one sample (k·θ), or NaN when unknown} */
  public double expectedLength() {
    return lengthShape * lengthScale;
  }

  /** {@return a readable one-liner for traces} */
  public String describe() {
    return source + "{p=" + fmt(pCorrect) + ", length~Gamma(" + fmt(lengthShape) + ", " + fmt(lengthScale) + ")}";
  }

  private static String fmt(@Nullable Double v) {
    return v == null || Double.isNaN(v) ? "?" : String.format(java.util.Locale.ROOT, "%.3g", v);
  }
}
