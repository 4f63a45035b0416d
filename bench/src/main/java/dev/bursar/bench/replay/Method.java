package dev.bursar.bench.replay;

import dev.bursar.controller.StoppingRule;
import dev.bursar.controller.StoppingRules;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A sampling method the replay benchmark scores: a stopping rule with a sample cap, or the
 * hindsight oracle (rule null).
 *
 * @param name label in reports, e.g. {@code SC@8}, {@code AC-Beta 0.95}, {@code ESC w=5}
 * @param family sc, ac-beta, ac-dirichlet, esc, oracle or bursar
 * @param param k for SC, the threshold for Adaptive-Consistency, the window for ESC; null otherwise
 * @param rule the stopping rule; null for the oracle
 * @param maxSamples the sample cap
 */
public record Method(String name, String family, @Nullable Double param, @Nullable StoppingRule rule, int maxSamples) {

  public boolean isOracle() {
    return rule == null;
  }

  /** {@return the baselines of the issue for a pool whose questions have {@code max} samples} */
  public static List<Method> baselines(int max) {
    List<Method> m = new ArrayList<>();
    for (int k = 1; k < max; k *= 2) m.add(sc(k));
    m.add(sc(max));
    for (double t : new double[] {0.8, 0.9, 0.95, 0.99}) {
      m.add(new Method("AC-Beta " + t, "ac-beta", t, StoppingRules.beta(t), max));
    }
    m.add(new Method("AC-Dirichlet 0.95", "ac-dirichlet", 0.95, StoppingRules.dirichlet(0.95, 1), max));
    for (int w : new int[] {2, 3, 4, 5, 8}) {
      if (w <= max) m.add(new Method("ESC w=" + w, "esc", (double) w, StoppingRules.esc(w), max));
    }
    m.add(new Method("oracle (unreachable)", "oracle", null, null, max));
    return m;
  }

  static Method sc(int k) {
    return new Method("SC@" + k, "sc", (double) k, StoppingRules.never(), k);
  }
}
