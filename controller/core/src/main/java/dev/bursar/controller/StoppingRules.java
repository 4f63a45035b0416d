package dev.bursar.controller;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The stopping rules of self-consistency, as defined in docs/ALGORITHMS.md §2.
 *
 * <ul>
 *   <li>{@link #never()}: plain self-consistency, draw up to the cap (SC@k).
 *   <li>{@link #beta(double)}: Adaptive-Consistency's default. With the top two answers counted
 *       {@code v1 >= v2}, stop when {@code P(p1 > 0.5) >= threshold} for {@code p1 ~ Beta(v1+1,
 *       v2+1)}, computed in closed form as {@code P(Binomial(v1+v2+1, 1/2) <= v1)}.
 *   <li>{@link #dirichlet(double, long)}: stop when {@code P(p1 is the largest) >= threshold}
 *       under {@code Dir(v+1)} over the top five answers, estimated by seeded Monte Carlo; falls
 *       back to Beta with fewer than three distinct answers, as the reference code does.
 *   <li>{@link #esc(int)}: Early-Stopping Self-Consistency. Samples are drawn in consecutive
 *       windows of {@code w}; stop after a window whose {@code w} answers are all present and
 *       equal. At most {@code floor(max/w)} windows are drawn (the reference loop), so the cap
 *       is {@code w * floor(max/w)}.
 *   <li>{@link #decided(int)}: stop once the leader's margin over the runner-up exceeds the samples
 *       still allowed by the cap, so drawing them could not change the majority: a free saving.
 *   <li>{@link #anyOf(StoppingRule, StoppingRule)}: stop when either rule would.
 * </ul>
 *
 * <p>Samples without an answer never vote: Adaptive-Consistency ignores them (a question without
 * any answer costs the full cap), and they make an ESC window non-unanimous.
 */
public final class StoppingRules {
  private StoppingRules() {}

  public static StoppingRule never() {
    return Never.INSTANCE;
  }

  public static StoppingRule beta(double threshold) {
    return new Beta(threshold);
  }

  public static StoppingRule dirichlet(double threshold, long seed) {
    return new Dirichlet(threshold, 20_000, seed);
  }

  public static StoppingRule esc(int window) {
    return new Esc(window);
  }

  /** Stops when the majority at the cap is already decided (see the class comment); knows the cap at {@link StoppingRule#cap}. */
  public static StoppingRule decided(int maxSamples) {
    return new Decided(maxSamples);
  }

  /** Stops when either rule would; the cap is the smaller of the two. Reported under {@code first}'s family. */
  public static StoppingRule anyOf(StoppingRule first, StoppingRule second) {
    return new AnyOf(first, second);
  }

  /**
   * {@return {@code P(p1 > 0.5)} for {@code p1 ~ Beta(v1+1, v2+1)}} Exact for integer counts:
   * {@code 2^-(v1+v2+1) * sum_{k=0..v1} C(v1+v2+1, k)}, summed in log space so it stays exact
   * enough for thousands of samples.
   */
  public static double betaMajorityProbability(int v1, int v2) {
    if (v1 < 0 || v2 < 0) throw new IllegalArgumentException("counts must be >= 0: " + v1 + ", " + v2);
    int n = v1 + v2 + 1;
    double logHalfN = -n * Math.log(2);
    double sum = 0;
    double logC = 0; // log C(n, 0)
    for (int k = 0; k <= v1; k++) {
      if (k > 0) logC += Math.log((double) (n - k + 1) / k);
      sum += Math.exp(logC + logHalfN);
    }
    return Math.min(1.0, sum);
  }

  enum Never implements StoppingRule {
    INSTANCE;

    @Override public boolean shouldStop(Tally tally) { return false; }
    @Override public String family() { return "sc"; }
    @Override public @Nullable Double param() { return null; }
    @Override public String toString() { return "Never"; }
  }

  record Beta(double threshold) implements StoppingRule {
    Beta {
      if (!(threshold >= 0.5 && threshold < 1)) {
        throw new IllegalArgumentException("Beta threshold must be in [0.5, 1), was " + threshold);
      }
    }

    @Override
    public boolean shouldStop(Tally tally) {
      int[] c = tally.sortedCounts();
      if (c.length == 0) return false;
      return betaMajorityProbability(c[0], c.length > 1 ? c[1] : 0) >= threshold;
    }

    @Override public String family() { return "ac-beta"; }
    @Override public Double param() { return threshold; }
  }

  record Dirichlet(double threshold, int draws, long seed) implements StoppingRule {
    static final int TOP_K = 5;

    Dirichlet {
      if (!(threshold > 0 && threshold < 1)) {
        throw new IllegalArgumentException("Dirichlet threshold must be in (0, 1), was " + threshold);
      }
      if (draws < 100) throw new IllegalArgumentException("draws must be >= 100, was " + draws);
    }

    /** Monte Carlo answers by the top counts: a pure function of them, so it is computed once per counts. */
    private static final Map<Key, Boolean> DECIDED = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 1 << 16;

    private record Key(Dirichlet rule, List<Integer> top) {}

    @Override
    public boolean shouldStop(Tally tally) {
      int[] c = tally.sortedCounts();
      if (c.length == 0) return false;
      if (c.length < 3) return betaMajorityProbability(c[0], c.length > 1 ? c[1] : 0) >= threshold;
      var key = new Key(this, Arrays.stream(c, 0, Math.min(TOP_K, c.length)).boxed().toList());
      Boolean known = DECIDED.get(key);
      if (known != null) return known;
      if (DECIDED.size() >= MAX_CACHED) DECIDED.clear(); // bounded: a long-running sidecar sees unbounded tallies
      boolean stop = monteCarlo(c);
      DECIDED.put(key, stop);
      return stop;
    }

    private boolean monteCarlo(int[] c) {
      int m = Math.min(TOP_K, c.length);
      // Seeded by the counts so the decision is a pure function of the tally.
      long s = seed;
      for (int i = 0; i < m; i++) s = s * 1_000_003L + c[i];
      var rng = new SplittableRandom(s);
      int wins = 0;
      double[] g = new double[m];
      for (int d = 0; d < draws; d++) {
        for (int i = 0; i < m; i++) g[i] = gamma(rng, c[i] + 1);
        boolean topWins = true;
        for (int i = 1; i < m; i++) if (g[i] >= g[0]) { topWins = false; break; }
        if (topWins) wins++;
      }
      return (double) wins / draws >= threshold;
    }

    /** Marsaglia-Tsang for integer shape >= 1. */
    private static double gamma(SplittableRandom rng, double shape) {
      double d = shape - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
      while (true) {
        double x, v;
        do {
          x = gaussian(rng);
          v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = rng.nextDouble();
        if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
      }
    }

    private static double gaussian(SplittableRandom rng) {
      double u1 = rng.nextDouble(), u2 = rng.nextDouble();
      return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override public String family() { return "ac-dirichlet"; }
    @Override public Double param() { return threshold; }
  }

  record Esc(int window) implements StoppingRule {
    Esc {
      if (window < 1) throw new IllegalArgumentException("ESC window must be >= 1, was " + window);
    }

    @Override
    public boolean shouldStop(Tally tally) {
      int n = tally.samples();
      if (n == 0 || n % window != 0) return false;
      var h = tally.history();
      String first = h.get(n - window);
      if (first == null) return false;
      for (int i = n - window + 1; i < n; i++) if (!first.equals(h.get(i))) return false;
      return true;
    }

    @Override
    public int cap(int maxSamples) {
      // Fewer samples than one window: the single window is the whole budget.
      return maxSamples < window ? maxSamples : window * (maxSamples / window);
    }

    @Override public String family() { return "esc"; }
    @Override public Double param() { return (double) window; }
  }

  record Decided(int maxSamples) implements StoppingRule {
    Decided {
      if (maxSamples < 1) throw new IllegalArgumentException("maxSamples must be >= 1, was " + maxSamples);
    }

    @Override
    public boolean shouldStop(Tally tally) {
      int[] c = tally.sortedCounts();
      if (c.length == 0) return false;
      int margin = c[0] - (c.length > 1 ? c[1] : 0);
      return margin > maxSamples - tally.samples();
    }

    @Override public String family() { return "decided"; }
    @Override public @Nullable Double param() { return null; }
  }

  record AnyOf(StoppingRule first, StoppingRule second) implements StoppingRule {
    @Override
    public boolean shouldStop(Tally tally) {
      return first.shouldStop(tally) || second.shouldStop(tally);
    }

    @Override
    public int cap(int maxSamples) {
      return Math.min(first.cap(maxSamples), second.cap(maxSamples));
    }

    @Override public String family() { return first.family(); }
    @Override public @Nullable Double param() { return first.param(); }

    @Override
    public java.util.Set<Signal> requires() {
      var s = java.util.EnumSet.copyOf(first.requires());
      s.addAll(second.requires());
      return s;
    }
  }
}
