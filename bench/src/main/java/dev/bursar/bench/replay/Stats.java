package dev.bursar.bench.replay;

/** Means and 95% intervals over a handful of seeds. */
final class Stats {
  // Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom.
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
      2.056, 2.052, 2.048, 2.045, 2.042};

  private Stats() {}

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return s / v.length;
  }

  /** {@return the half-width of the 95% interval of the mean; 0 for a single value} */
  static double ci95(double[] v) {
    int n = v.length;
    if (n < 2) return 0;
    double m = mean(v), ss = 0;
    for (double x : v) ss += (x - m) * (x - m);
    double sd = Math.sqrt(ss / (n - 1));
    double t = n - 1 <= T975.length ? T975[n - 2] : 1.96;
    return t * sd / Math.sqrt(n);
  }
}
