package dev.bursar.bench.replay;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The question the replay benchmark answers per pool: at the accuracy of SC at the cap minus 0.5
 * points, how many tokens does the cheapest bursar point need against the cheapest baseline point
 * (any setting of SC, Adaptive-Consistency or ESC) and against the hindsight oracle?
 *
 * @param target the accuracy to reach: SC at the cap minus 0.5 points
 * @param bestBaseline the cheapest baseline point reaching it
 * @param bestBursar the cheapest bursar point reaching it, or null when none does
 * @param chosen the point the tuner chose, or null
 * @param oracle the hindsight oracle
 * @param scAtCap SC at the cap
 * @param frontier where bursar's curve lies against the baselines' frontier
 * @param toldPRight the cheapest point reaching it of bursar told each question's P(one sample is
 *     right) in hindsight ({@link BursarMethods#TOLD}), or null when none does or it was not fitted
 * @param bayesStop the cheapest point reaching it of the published anchor, optimal Bayesian stopping
 *     with a prior fitted on the tune half (not one of the baselines), or null when none does
 */
record Comparison(double target, ReplayResults.MethodResult bestBaseline, ReplayResults.@Nullable MethodResult bestBursar,
    ReplayResults.@Nullable MethodResult chosen, ReplayResults.MethodResult oracle, ReplayResults.MethodResult scAtCap,
    FrontierCheck frontier, ReplayResults.@Nullable MethodResult toldPRight, ReplayResults.@Nullable MethodResult bayesStop) {

  /**
   * bursar's points against the baselines' frontier (the upper envelope of every SC, Adaptive-Consistency
   * and ESC point, joined by straight lines between its corners), over the token range that frontier
   * spans: how many lie on or above it, and the one furthest below.
   *
   * @param compared bursar points within the frontier's token range
   * @param onOrAbove those at or above the frontier's accuracy at their tokens
   * @param worstGap the largest accuracy shortfall below the frontier (0 when none falls below)
   * @param worst the point with that shortfall, or null
   */
  record FrontierCheck(int compared, int onOrAbove, double worstGap, ReplayResults.@Nullable MethodResult worst) {
    static FrontierCheck of(List<ReplayResults.MethodResult> baselines, List<ReplayResults.MethodResult> bursar) {
      List<ReplayResults.MethodResult> corners = envelope(baselines);
      int compared = 0, above = 0;
      double worstGap = 0;
      ReplayResults.MethodResult worst = null;
      for (var b : bursar) {
        double f = accuracyAt(corners, b.tokens());
        if (Double.isNaN(f)) continue;
        compared++;
        double gap = f - b.accuracy();
        if (gap <= 1e-12) above++;
        else if (gap > worstGap) {
          worstGap = gap;
          worst = b;
        }
      }
      return new FrontierCheck(compared, above, worstGap, worst);
    }

    /** {@return the Pareto corners: by tokens, each more accurate than every cheaper point} */
    private static List<ReplayResults.MethodResult> envelope(List<ReplayResults.MethodResult> points) {
      List<ReplayResults.MethodResult> sorted = points.stream()
          .sorted(Comparator.comparingDouble(ReplayResults.MethodResult::tokens)).toList();
      List<ReplayResults.MethodResult> corners = new java.util.ArrayList<>();
      for (var m : sorted) {
        if (corners.isEmpty() || m.accuracy() > corners.getLast().accuracy()) corners.add(m);
      }
      return corners;
    }

    /** {@return the frontier's accuracy at {@code tokens}, NaN outside its token range} */
    private static double accuracyAt(List<ReplayResults.MethodResult> corners, double tokens) {
      if (corners.isEmpty() || tokens < corners.getFirst().tokens()) return Double.NaN;
      if (tokens >= corners.getLast().tokens()) return corners.getLast().accuracy(); // flat beyond its best point
      for (int i = 1; i < corners.size(); i++) {
        var lo = corners.get(i - 1);
        var hi = corners.get(i);
        if (tokens <= hi.tokens()) {
          double t = (tokens - lo.tokens()) / (hi.tokens() - lo.tokens());
          return lo.accuracy() + t * (hi.accuracy() - lo.accuracy());
        }
      }
      return corners.getLast().accuracy();
    }
  }

  static final double MARGIN = 0.005;
  static final Set<String> BASELINES = Set.of("sc", "ac-beta", "ac-dirichlet", "esc");

  static Optional<Comparison> of(ReplayResults.PoolResult p) {
    if (p.lengthOnly()) return Optional.empty();
    List<ReplayResults.MethodResult> ms = p.methods();
    var sc = ms.stream().filter(m -> m.family().equals("sc") && m.param() != null && m.param().intValue() == p.maxSamples()).findFirst();
    var oracle = ms.stream().filter(m -> m.family().equals("oracle")).findFirst();
    if (sc.isEmpty() || oracle.isEmpty()) return Optional.empty();
    double target = sc.get().accuracy() - MARGIN - 1e-12;
    var cheapest = Comparator.comparingDouble(ReplayResults.MethodResult::tokens);
    var baseline = ms.stream().filter(m -> BASELINES.contains(m.family()) && m.accuracy() >= target).min(cheapest).orElse(sc.get());
    var bursar = cheapestReaching(ms, "bursar", target);
    var chosen = ms.stream().filter(ReplayResults.MethodResult::chosen).findFirst().orElse(null);
    var frontier = FrontierCheck.of(ms.stream().filter(m -> BASELINES.contains(m.family())).toList(),
        ms.stream().filter(m -> m.family().equals("bursar")).toList());
    return Optional.of(new Comparison(target + 1e-12, baseline, bursar, chosen, oracle.get(), sc.get(), frontier,
        cheapestReaching(ms, BursarMethods.TOLD, target), cheapestReaching(ms, "bayes-stop", target)));
  }

  private static ReplayResults.@Nullable MethodResult cheapestReaching(List<ReplayResults.MethodResult> ms, String family, double target) {
    return ms.stream().filter(m -> m.family().equals(family) && m.accuracy() >= target)
        .min(Comparator.comparingDouble(ReplayResults.MethodResult::tokens)).orElse(null);
  }

  /** {@return a point's tokens over the cheapest baseline's at the target, NaN when there is no point} */
  double ratioToBaseline(ReplayResults.@Nullable MethodResult point) {
    return point == null ? Double.NaN : point.tokens() / bestBaseline.tokens();
  }

  /** {@return bursar's tokens over the cheapest baseline's at the target, NaN when bursar does not reach it} */
  double ratioToBaseline() {
    return ratioToBaseline(bestBursar);
  }

  /** {@return bursar's tokens over the Bayesian stopping anchor's at the target, NaN when either misses it} */
  double ratioToBayesStop() {
    return bestBursar == null || bayesStop == null ? Double.NaN : bestBursar.tokens() / bayesStop.tokens();
  }

  double ratioToOracle() {
    return bestBursar == null ? Double.NaN : bestBursar.tokens() / oracle.tokens();
  }

  /** {@return the most tokens at which bursar meets the goal: half the baseline's, or 1.2x the oracle's where that is more} */
  double goalTokens() {
    return Math.max(0.5 * bestBaseline.tokens(), 1.2 * oracle.tokens());
  }

  /** {@return whether bursar meets the goal: at most half the baseline's tokens, or 1.2x the oracle's where that is more} */
  boolean meetsGoal() {
    return bestBursar != null && bestBursar.tokens() <= goalTokens();
  }
}
