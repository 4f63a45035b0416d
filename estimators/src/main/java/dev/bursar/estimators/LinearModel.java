package dev.bursar.estimators;

import java.util.Arrays;

/**
 * A fitted linear score {@code bias + weights · x}: logistic regression reads it through
 * {@link #probability}, a log-linear mean through {@link #exp}.
 */
public record LinearModel(double[] weights, double bias) {
  public LinearModel {
    weights = weights.clone();
    for (double w : weights) if (!Double.isFinite(w)) throw new IllegalArgumentException("weights must be finite");
    if (!Double.isFinite(bias)) throw new IllegalArgumentException("bias must be finite, was " + bias);
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  public int size() {
    return weights.length;
  }

  public double score(double[] x) {
    if (x.length != weights.length) {
      throw new IllegalArgumentException("expected " + weights.length + " features, got " + x.length);
    }
    double s = bias;
    for (int i = 0; i < x.length; i++) s += weights[i] * x[i];
    return s;
  }

  /** {@return the logistic of the score} */
  public double probability(double[] x) {
    return 1 / (1 + Math.exp(-score(x)));
  }

  /** {@return e to the score (a log-linear mean)} */
  public double exp(double[] x) {
    return Math.exp(score(x));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinearModel m && m.bias == bias && Arrays.equals(m.weights, weights);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(weights) + Double.hashCode(bias);
  }

  @Override
  public String toString() {
    return "LinearModel{" + weights.length + " weights}";
  }
}
