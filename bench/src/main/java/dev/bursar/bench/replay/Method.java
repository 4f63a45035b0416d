package dev.bursar.bench.replay;

import dev.bursar.controller.Estimator;
import dev.bursar.controller.Policy;
import dev.bursar.controller.StoppingRule;
import dev.bursar.controller.StoppingRules;
import dev.bursar.policies.BayesianStop;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A sampling method the replay benchmark scores: a stopping rule with a sample cap (a fixed plan),
 * a fitted estimator and policy deciding per question (bursar's families), or the hindsight oracle.
 *
 * @param name label in reports, e.g. {@code SC@8}, {@code AC-Beta 0.95}, {@code ESC w=5}
 * @param family sc, ac-beta, ac-dirichlet, esc, bayes-stop, oracle, bursar or bursar-threshold
 * @param param k for SC, the threshold for Adaptive-Consistency, the window for ESC, the cost per
 *     sample for Bayesian stopping, lambda for bursar
 * @param rule the stopping rule of a fixed plan; null for the oracle and for policies
 * @param maxSamples the sample cap
 * @param policy the policy deciding per question (with {@code estimator}), or null for a fixed plan
 * @param estimator the estimator the policy reads, or null
 * @param chosen whether the tuner chose this point (bursar's operating point)
 */
public record Method(String name, String family, @Nullable Double param, @Nullable StoppingRule rule, int maxSamples,
    @Nullable Policy policy, @Nullable Estimator estimator, boolean chosen) {

  public Method(String name, String family, @Nullable Double param, @Nullable StoppingRule rule, int maxSamples) {
    this(name, family, param, rule, maxSamples, null, null, false);
  }

  /** {@return a method run by a fitted policy and estimator} */
  public static Method policy(String name, String family, double param, Policy policy, Estimator estimator, int maxSamples, boolean chosen) {
    return new Method(name, family, param, null, maxSamples, policy, estimator, chosen);
  }

  public boolean isOracle() {
    return rule == null && policy == null;
  }

  /**
   * {@return the baselines for a pool whose questions have {@code max} samples, each at every
   * setting the issue compares against}: SC at every k, Adaptive-Consistency Beta at seven
   * thresholds and Dirichlet, ESC at five windows, and the oracle.
   */
  public static List<Method> baselines(int max) {
    List<Method> m = new ArrayList<>();
    for (int k = 1; k <= max; k++) m.add(sc(k));
    for (double t : new double[] {0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99}) {
      m.add(new Method("AC-Beta " + t, "ac-beta", t, StoppingRules.beta(t), max));
    }
    m.add(new Method("AC-Dirichlet 0.95", "ac-dirichlet", 0.95, StoppingRules.dirichlet(0.95, 1), max));
    for (int w : new int[] {2, 3, 4, 5, 8}) {
      if (w <= max) m.add(new Method("ESC w=" + w, "esc", (double) w, StoppingRules.esc(w), max));
    }
    m.add(new Method("oracle (unreachable)", "oracle", null, null, max));
    return m;
  }

  /** Per-sample costs at which the Bayesian stopping anchor is solved: its curve, like a baseline's sweep. */
  static final double[] BAYES_STOP_COSTS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05};

  /**
   * {@return the published anchor of docs/ALGORITHMS.md §2.3, optimal Bayesian stopping with a prior
   * fitted to the answer distributions of the tune half's questions, at every cost of its sweep;
   * empty when the cap exceeds what its tables are built for}
   *
   * @param pastAnswers each tune-half question's vote keys (null where a sample had no answer)
   */
  public static List<Method> bayesianStop(List<List<@Nullable String>> pastAnswers, int max) {
    if (max > BayesianStop.MAX_CAP || pastAnswers.isEmpty()) return List.of();
    BayesianStop.Prior prior = BayesianStop.fit(pastAnswers, max);
    List<Method> m = new ArrayList<>();
    for (double cost : BAYES_STOP_COSTS) m.add(new Method("Bayes-stop c=" + cost, "bayes-stop", cost, prior.rule(cost), max));
    return m;
  }

  static Method sc(int k) {
    return new Method("SC@" + k, "sc", (double) k, StoppingRules.never(), k);
  }
}
