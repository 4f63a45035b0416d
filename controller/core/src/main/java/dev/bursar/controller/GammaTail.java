package dev.bursar.controller;

/** The Gamma function's logarithm and upper tail, for length forecasts (plain Java, no dependency). */
public final class GammaTail {
  private GammaTail() {}

  /** Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x &gt; 0. */
  public static double logGamma(double x) {
    if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
    x -= 1;
    double a = c[0];
    double t = x + 7.5;
    for (int i = 1; i < 9; i++) a += c[i] / (x + i);
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
  }

  /**
   * {@return log Q(a, x), the log of the regularized upper incomplete gamma function: for a Gamma with
   * shape {@code a} and scale 1, log P(X &gt; x)} A series below {@code a + 1}, a continued fraction above.
   */
  public static double logUpper(double a, double x) {
    if (x <= 0) return 0;
    double logPrefix = a * Math.log(x) - x - logGamma(a);
    if (x < a + 1) {
      double term = 1 / a, sum = term;
      for (int n = 1; n < 500 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
        term *= x / (a + n);
        sum += term;
      }
      double lower = Math.exp(logPrefix) * sum;
      return Math.log1p(-Math.min(lower, 1 - 1e-300));
    }
    // Lentz's continued fraction for Q, in log space so that far tails do not underflow.
    double tiny = 1e-300, b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 500; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < tiny) d = tiny;
      c = b + an / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-15) break;
    }
    return logPrefix + Math.log(h);
  }
}
