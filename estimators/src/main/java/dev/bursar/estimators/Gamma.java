package dev.bursar.estimators;

/**
 * A Gamma(k, θ) distribution of output lengths (ALGORITHMS.md §1): mean kθ, variance kθ². Fitted by
 * maximum likelihood in plain Java (Minka's closed-form start refined by Newton steps on the shape,
 * then θ = mean / k), so the runtime needs no fitting library.
 *
 * @param shape k &gt; 0
 * @param scale θ &gt; 0
 */
public record Gamma(double shape, double scale) {
  public Gamma {
    if (!(shape > 0) || !Double.isFinite(shape)) throw new IllegalArgumentException("shape must be > 0, was " + shape);
    if (!(scale > 0) || !Double.isFinite(scale)) throw new IllegalArgumentException("scale must be > 0, was " + scale);
  }

  /** {@return the mean kθ} */
  public double mean() {
    return shape * scale;
  }

  /** {@return the log-density at {@code x > 0}} */
  public double logDensity(double x) {
    if (!(x > 0)) throw new IllegalArgumentException("x must be > 0, was " + x);
    return (shape - 1) * Math.log(x) - x / scale - dev.bursar.controller.GammaTail.logGamma(shape) - shape * Math.log(scale);
  }

  /** {@return the mean log-likelihood of {@code lengths} (each &gt; 0) under this distribution} */
  public double meanLogLikelihood(long[] lengths) {
    double s = 0;
    for (long x : lengths) s += logDensity(x);
    return s / lengths.length;
  }

  /**
   * {@return the maximum-likelihood Gamma of {@code lengths}} Lengths of 0 are counted as 1 (a
   * Gamma has no mass at 0; an empty sample still cost a token to decide).
   *
   * @throws IllegalArgumentException with fewer than two lengths, or when all are equal
   */
  public static Gamma fit(long[] lengths) {
    if (lengths.length < 2) throw new IllegalArgumentException("need at least 2 lengths to fit a Gamma, got " + lengths.length);
    double sum = 0, sumLog = 0;
    for (long l : lengths) {
      double x = Math.max(1, l);
      sum += x;
      sumLog += Math.log(x);
    }
    double mean = sum / lengths.length;
    double s = Math.log(mean) - sumLog / lengths.length; // >= 0 by Jensen; 0 when all equal
    if (!(s > 1e-12)) throw new IllegalArgumentException("all lengths are equal (" + (long) mean + "): no spread to fit");
    double k = shapeFor(s);
    return new Gamma(k, mean / k);
  }

  /**
   * {@return the maximum-likelihood shape k when observation {@code i} has its own mean
   * {@code means[i]} (scale {@code means[i] / k}): a Gamma regression's dispersion} Lengths of 0
   * count as 1.
   */
  public static double shapeGivenMeans(long[] lengths, double[] means) {
    if (lengths.length != means.length || lengths.length < 2) {
      throw new IllegalArgumentException("need at least 2 lengths with one mean each");
    }
    double s = 0;
    for (int i = 0; i < lengths.length; i++) {
      double y = Math.max(1, lengths[i]);
      if (!(means[i] > 0)) throw new IllegalArgumentException("means must be > 0, was " + means[i] + " at " + i);
      s += Math.log(means[i]) - Math.log(y) + y / means[i] - 1;
    }
    s /= lengths.length;
    if (!(s > 1e-12)) throw new IllegalArgumentException("the means fit the lengths exactly: no spread to fit");
    return shapeFor(s);
  }

  /** Solves {@code log k - digamma(k) = s} by Newton from the closed-form start (Minka). */
  private static double shapeFor(double s) {
    double k = (3 - s + Math.sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
    for (int i = 0; i < 20; i++) {
      double f = Math.log(k) - digamma(k) - s;
      double fPrime = 1 / k - trigamma(k);
      double next = k - f / fPrime;
      if (!(next > 0)) break;
      boolean done = Math.abs(next - k) < 1e-10 * k;
      k = next;
      if (done) break;
    }
    return k;
  }

  static double digamma(double x) {
    double r = 0;
    while (x < 6) {
      r -= 1 / x;
      x += 1;
    }
    double f = 1 / (x * x);
    return r + Math.log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
  }

  static double trigamma(double x) {
    double r = 0;
    while (x < 6) {
      r += 1 / (x * x);
      x += 1;
    }
    double f = 1 / (x * x);
    return r + 1 / x + f / 2 + f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30)));
  }
}
