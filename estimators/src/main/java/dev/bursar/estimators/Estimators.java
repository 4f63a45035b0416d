package dev.bursar.estimators;

import dev.bursar.controller.Estimate;
import dev.bursar.controller.Estimator;
import dev.bursar.controller.Features;
import dev.bursar.controller.Request;
import java.util.Objects;

/**
 * The built-in estimators, scored in plain Java.
 *
 * <ul>
 *   <li>{@link #length(Gamma)}: every query's output length follows one fitted Gamma (the baseline a
 *       feature-dependent length estimator must beat on held-out log-likelihood); difficulty unknown.
 * </ul>
 *
 * {@snippet :
 * long[] observed = {212, 180, 95, 340, 150};                 // output tokens of past samples
 * var controller = ComputeController.builder()
 *     .backend(backend)
 *     .estimator(Estimators.length(Gamma.fit(observed)))
 *     .policy(policy)
 *     .build();
 * }
 */
public final class Estimators {
  private Estimators() {}

  /** {@return an estimator that predicts the same length distribution for every query, difficulty unknown} */
  public static Estimator length(Gamma gamma) {
    return new ConstantLength(Objects.requireNonNull(gamma, "gamma"));
  }

  record ConstantLength(Gamma gamma) implements Estimator {
    @Override
    public Estimate estimate(Request request, Features features) {
      return new Estimate(Double.NaN, gamma.shape(), gamma.scale(), "constant-length");
    }

    @Override
    public String description() {
      return String.format(java.util.Locale.ROOT, "ConstantLength{Gamma(%.3g, %.3g)}", gamma.shape(), gamma.scale());
    }
  }
}
