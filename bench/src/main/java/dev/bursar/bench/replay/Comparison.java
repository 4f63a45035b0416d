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
 */
record Comparison(double target, ReplayResults.MethodResult bestBaseline, ReplayResults.@Nullable MethodResult bestBursar,
    ReplayResults.@Nullable MethodResult chosen, ReplayResults.MethodResult oracle, ReplayResults.MethodResult scAtCap) {

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
    var bursar = ms.stream().filter(m -> m.family().equals("bursar") && m.accuracy() >= target).min(cheapest).orElse(null);
    var chosen = ms.stream().filter(ReplayResults.MethodResult::chosen).findFirst().orElse(null);
    return Optional.of(new Comparison(target + 1e-12, baseline, bursar, chosen, oracle.get(), sc.get()));
  }

  /** {@return bursar's tokens over the cheapest baseline's at the target, NaN when bursar does not reach it} */
  double ratioToBaseline() {
    return bestBursar == null ? Double.NaN : bestBursar.tokens() / bestBaseline.tokens();
  }

  double ratioToOracle() {
    return bestBursar == null ? Double.NaN : bestBursar.tokens() / oracle.tokens();
  }

  /** {@return whether bursar meets the goal: at most half the baseline's tokens, or 1.2x the oracle's where that is more} */
  boolean meetsGoal() {
    return bestBursar != null && bestBursar.tokens() <= Math.max(0.5 * bestBaseline.tokens(), 1.2 * oracle.tokens());
  }
}
