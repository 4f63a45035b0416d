package dev.bursar.bench.replay;

import dev.bursar.trace.Pool;
import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.controller.StoppingRule;
import dev.bursar.controller.StoppingRules;
import dev.bursar.trace.TraceRecord;
import java.util.List;

/**
 * bursar's own stopping rule for the replay benchmark, fitted on each pool's tune half only:
 * Adaptive-Consistency Beta OR "decided" (stop when the samples left under the cap could not change
 * the majority), with the Beta threshold chosen as the cheapest on the tune half whose accuracy
 * stays within {@link #TOLERANCE} of SC at the cap. The test half never informs the choice.
 */
final class TunedStopping {
  static final double[] GRID = {0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99};
  /** Accuracy the tuner may give up against SC@max on the tune half (absolute, 0.5 points). */
  static final double TOLERANCE = 0.005;

  private TunedStopping() {}

  static StoppingRule rule(double threshold, int max) {
    return StoppingRules.anyOf(StoppingRules.beta(threshold), StoppingRules.decided(max));
  }

  /** {@return the tuned method for {@code pool}, scored later on the test half like every baseline} */
  static List<Method> forPool(Pool pool, SampleOrder order, int seeds, long splitSeed) {
    List<TraceRecord> tune = pool.records().stream().filter(r -> !Split.isTest(splitSeed, r.qid())).toList();
    int max = pool.maxSamples();
    if (tune.isEmpty() || pool.lengthOnly()) return List.of();
    double target = mean(pool, tune, Method.sc(max), order, seeds)[0] - TOLERANCE;
    double chosen = GRID[GRID.length - 1];
    double bestTokens = Double.MAX_VALUE;
    for (double t : GRID) {
      double[] r = mean(pool, tune, method(t, max), order, seeds);
      if (r[0] >= target && r[1] < bestTokens) {
        bestTokens = r[1];
        chosen = t;
      }
    }
    // The untuned variant too: AC-Beta 0.95 plus "decided" gives AC-Beta 0.95's answer for fewer samples.
    var fixed = new Method("bursar (AC-Beta 0.95 or decided)", "bursar", 0.95, rule(0.95, max), max);
    return List.of(fixed, method(chosen, max));
  }

  private static Method method(double threshold, int max) {
    return new Method("bursar (tuned: AC-Beta " + threshold + " or decided)", "bursar", threshold, rule(threshold, max), max);
  }

  /** {@return mean accuracy and tokens of {@code m} on {@code records}, averaged over the seeds} */
  private static double[] mean(Pool pool, List<TraceRecord> records, Method m, SampleOrder order, int seeds) {
    int n = order == SampleOrder.STORED ? 1 : seeds;
    double acc = 0, tok = 0;
    for (int s = 0; s < n; s++) {
      var replay = new QuestionReplay(pool, order, s);
      for (TraceRecord r : records) {
        var score = replay.run(r, m);
        acc += score.accuracy();
        tok += score.tokens();
      }
    }
    return new double[] {acc / (n * records.size()), tok / (n * records.size())};
  }
}
