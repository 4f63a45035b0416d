package dev.bursar.controller;

import java.util.Arrays;

/** DeepConf confidence aggregates (docs/ALGORITHMS.md §3). Token confidence is minus the mean top-k logprob. */
final class Confidence {
  private Confidence() {}

  /** {@return the lowest mean over sliding windows of {@code window} tokens; the mean of all when shorter; NaN when empty} */
  static double lowestWindow(double[] conf, int window) {
    if (conf.length == 0) return Double.NaN;
    if (conf.length <= window) return Arrays.stream(conf).average().orElse(Double.NaN);
    double sum = 0;
    for (int i = 0; i < window; i++) sum += conf[i];
    double min = sum;
    for (int i = window; i < conf.length; i++) {
      sum += conf[i] - conf[i - window];
      min = Math.min(min, sum);
    }
    return min / window;
  }

  /** {@return the {@code q}-th percentile (0..100) with linear interpolation: numpy's default, type 7} */
  static double percentile(double[] values, double q) {
    if (values.length == 0) throw new IllegalArgumentException("no values");
    double[] v = values.clone();
    Arrays.sort(v);
    double h = (v.length - 1) * q / 100.0;
    int lo = (int) Math.floor(h);
    int hi = Math.min(v.length - 1, lo + 1);
    return v[lo] + (h - lo) * (v[hi] - v[lo]);
  }

  /** Tracks the running window mean of one sequence's token confidences. */
  static final class Window {
    private final double[] ring;
    private int count;
    private double sum;

    Window(int size) {
      ring = new double[size];
    }

    /** Adds a token's confidence; {@return the window mean once the window is full, else NaN} */
    double add(double c) {
      int i = count % ring.length;
      if (count >= ring.length) sum -= ring[i];
      ring[i] = c;
      sum += c;
      count++;
      return count >= ring.length ? sum / ring.length : Double.NaN;
    }
  }
}
