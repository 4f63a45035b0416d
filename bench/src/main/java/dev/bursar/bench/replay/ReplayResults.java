package dev.bursar.bench.replay;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the replay benchmark measured, shaped like {@code summary.json}. */
public record ReplayResults(String order, int seeds, long splitSeed, List<PoolResult> pools) {

  /**
   * @param pool pool name
   * @param model model that produced the pool
   * @param task task label
   * @param lengthOnly true when the pool has no answers (no method can vote on it)
   * @param maxSamples samples per question (the largest)
   * @param testQids ids of the test-half questions the methods are scored on
   * @param extractorAgreement fraction of samples with text whose answer, extracted by bursar
   *     from the raw text, normalises to the pool's own answer; null when the pool has no texts
   * @param methods per method, the test-half means
   * @param tuning what the tuner found on the tune half (cross-validated), or null when nothing was tuned
   * @param prior how well each prior predicts whether a test-half sample is right, or null when nothing was tuned
   */
  public record PoolResult(
      String pool, String model, String task, boolean lengthOnly, int maxSamples, List<Long> testQids,
      @Nullable Double extractorAgreement, List<MethodResult> methods, dev.bursar.tuner.Tuner.@Nullable Result tuning,
      @Nullable PriorQuality prior) {}

  /**
   * Mean log-loss per test-half sample of P(one sample is right) from three priors: the tune half's
   * rate for every question, bursar's estimator (fitted on the tune half), and what the hindsight
   * reference is told (the question's own rate, with its noise).
   */
  public record PriorQuality(double constant, double estimator, double told) {}

  /**
   * Means over test questions, then over seeds; {@code *Ci95} are half-widths of the 95% interval
   * over seeds (Student t), 0 with one seed or the stored order. {@code chosen}: the operating point
   * the tuner chose on the tune half.
   */
  public record MethodResult(
      String name, String family, @Nullable Double param, double accuracy, double tokens, double samples,
      double accuracyCi95, double tokensCi95, double samplesCi95, boolean chosen) {}
}
