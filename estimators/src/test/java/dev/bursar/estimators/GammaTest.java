package dev.bursar.estimators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bursar.controller.Estimate;
import dev.bursar.controller.Features;
import dev.bursar.controller.Request;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class GammaTest {

  /** Marsaglia-Tsang draws, independent of the fitting code. */
  private static long[] draw(double k, double theta, int n, long seed) {
    var rnd = new Random(seed);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      double d = k - 1.0 / 3, c = 1 / Math.sqrt(9 * d), x, v;
      while (true) {
        do {
          x = rnd.nextGaussian();
          v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = rnd.nextDouble();
        if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) break;
      }
      out[i] = Math.max(1, Math.round(d * v * theta));
    }
    return out;
  }

  @Test
  void fit_recoversTheParametersOfDrawnLengths() {
    Gamma g = Gamma.fit(draw(3.0, 80.0, 20_000, 1));
    assertThat(g.shape()).isCloseTo(3.0, within(0.1));
    assertThat(g.scale()).isCloseTo(80.0, within(3.0));
    assertThat(g.mean()).isCloseTo(240.0, within(3.0));
  }

  @Test
  void fit_maximisesTheLikelihood_overNearbyParameters() {
    long[] x = draw(1.7, 50.0, 2_000, 2);
    Gamma g = Gamma.fit(x);
    double best = g.meanLogLikelihood(x);
    for (double dk : new double[] {0.95, 1.05}) {
      // at the MLE of k, the best θ for any other k is mean/k: compare against that profile
      var other = new Gamma(g.shape() * dk, g.mean() / (g.shape() * dk));
      assertThat(other.meanLogLikelihood(x)).isLessThan(best);
    }
  }

  @Test
  void logDensity_integratesToOne_andMatchesTheExponentialCase() {
    var g = new Gamma(2.5, 10);
    double sum = 0;
    for (double x = 0.005; x < 400; x += 0.01) sum += Math.exp(g.logDensity(x)) * 0.01;
    assertThat(sum).isCloseTo(1.0, within(1e-3));
    assertThat(new Gamma(1, 5).logDensity(3)).isCloseTo(Math.log(0.2) - 0.6, within(1e-12));
    assertThat(dev.bursar.controller.GammaTail.logGamma(5)).isCloseTo(Math.log(24), within(1e-12));
  }

  @Test
  void fit_refusesWhatItCannotFit() {
    assertThatThrownBy(() -> Gamma.fit(new long[] {5})).hasMessageContaining("at least 2");
    assertThatThrownBy(() -> Gamma.fit(new long[] {7, 7, 7})).hasMessageContaining("all lengths are equal");
    assertThatThrownBy(() -> new Gamma(0, 1)).hasMessageContaining("shape must be > 0, was 0");
  }

  @Test
  void lengthEstimator_predictsTheFittedDistribution_difficultyUnknown() {
    var e = Estimators.length(new Gamma(2, 30)).estimate(Request.of("Q"), Features.NONE);
    assertThat(e.expectedLength()).isEqualTo(60.0);
    assertThat(e.pCorrect()).isNaN();
    assertThat(Estimators.length(new Gamma(2, 30)).description()).isEqualTo("ConstantLength{Gamma(2.00, 30.0)}");
  }

  @Test
  void shapeGivenMeansRecoversTheShapeWhenEveryObservationHasItsOwnMean() {
    double k = 3.0;
    int n = 4000;
    long[] y = new long[n];
    double[] means = new double[n];
    for (int level = 0; level < 20; level++) { // a Gamma regression: each group of lengths has its own mean
      double mean = 50 + 10 * level;
      long[] drawn = draw(k, mean / k, n / 20, 1000 + level);
      for (int j = 0; j < drawn.length; j++) {
        means[level * (n / 20) + j] = mean;
        y[level * (n / 20) + j] = drawn[j];
      }
    }
    assertThat(Gamma.shapeGivenMeans(y, means)).isCloseTo(k, within(0.25));
    // Ignoring the means (one constant Gamma) sees more spread, so a smaller shape.
    assertThat(Gamma.fit(y).shape()).isLessThan(Gamma.shapeGivenMeans(y, means));
    assertThatThrownBy(() -> Gamma.shapeGivenMeans(new long[] {1, 2}, new double[] {1})).isInstanceOf(IllegalArgumentException.class);
  }
}
