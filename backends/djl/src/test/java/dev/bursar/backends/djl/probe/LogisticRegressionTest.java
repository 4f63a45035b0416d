package dev.bursar.backends.djl.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bursar.controller.LinearProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class LogisticRegressionTest {

  /** Labels drawn from a logistic model with a known direction over features of mixed scales. */
  private record Data(float[][] x, boolean[] y) {}

  private static final double[] TRUE_W = {2.0, -1.5, 0, 0, 1.0, 0, 0, -0.5};
  private static final double[] SCALE = {1, 10, 0.1, 5, 2, 1, 0.5, 3};
  private static final double[] SHIFT = {0, 100, -3, 7, 0, 1, 2, -50};
  private static final double TRUE_B = 0.3;

  private static Data draw(int n, long seed) {
    var r = new Random(seed);
    float[][] x = new float[n][TRUE_W.length];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      double z = TRUE_B;
      for (int j = 0; j < TRUE_W.length; j++) {
        double u = r.nextGaussian();
        x[i][j] = (float) (SHIFT[j] + SCALE[j] * u);
        z += TRUE_W[j] * u; // the true model is linear in the standardised feature
      }
      y[i] = r.nextDouble() < 1 / (1 + Math.exp(-z));
    }
    return new Data(x, y);
  }

  @Test
  void recoversTheSeparatingDirection() {
    Data d = draw(20_000, 1);
    LogisticRegression.Fit f = LogisticRegression.fit(d.x(), d.y(), 1e-6);
    assertThat(f.converged()).isTrue();
    // standardised weights are close to the true ones (std of each feature ~ SCALE)
    for (int j = 0; j < TRUE_W.length; j++) {
      assertThat(f.weights()[j]).as("w[%d]", j).isCloseTo(TRUE_W[j], within(0.12));
    }
    assertThat(f.bias()).isCloseTo(TRUE_B, within(0.1));
    // in raw units the direction is TRUE_W / SCALE
    double[] raw = f.rawDirection();
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int j = 0; j < raw.length; j++) {
      double t = TRUE_W[j] / SCALE[j];
      dot += raw[j] * t;
      na += raw[j] * raw[j];
      nb += t * t;
    }
    assertThat(dot / Math.sqrt(na * nb)).isGreaterThan(0.99);
    // held-out AUC near the Bayes AUC, far above chance
    Data test = draw(5_000, 2);
    assertThat(Auc.of(f.score(test.x()), test.y())).isGreaterThan(0.85);
  }

  @Test
  void strongerL2ShrinksTheWeights() {
    Data d = draw(2_000, 3);
    double weak = norm(LogisticRegression.fit(d.x(), d.y(), 1e-4).weights());
    double strong = norm(LogisticRegression.fit(d.x(), d.y(), 1.0).weights());
    assertThat(strong).isLessThan(weak / 2);
  }

  @Test
  void separableData_andConstantFeatures_stayFinite() {
    float[][] x = {{0, 5}, {1, 5}, {2, 5}, {3, 5}};
    boolean[] y = {false, false, true, true};
    LogisticRegression.Fit f = LogisticRegression.fit(x, y, 1e-3);
    assertThat(f.weights()[1]).isZero();
    assertThat(f.std()[1]).isEqualTo(1.0);
    assertThat(f.score(new float[] {3, 5})).isGreaterThan(0.9);
    assertThat(f.score(new float[] {0, 5})).isLessThan(0.1);
  }

  @Test
  void probeScoresLikeTheFit_andSurvivesAFileRoundTrip(@TempDir Path dir) throws Exception {
    Data d = draw(1_000, 4);
    LogisticRegression.Fit f = LogisticRegression.fit(d.x(), d.y(), 1e-2);
    LinearProbe p = f.toProbe(3);
    Path file = dir.resolve("p.properties");
    p.write(file, "test");
    LinearProbe back = LinearProbe.read(file);
    assertThat(back.layer()).isEqualTo(3);
    for (int i = 0; i < 20; i++) {
      assertThat(p.score(d.x()[i])).isCloseTo(f.score(d.x()[i]), within(1e-12));
      assertThat(back.score(d.x()[i])).isCloseTo(f.score(d.x()[i]), within(1e-4));
    }
    assertThat(Files.readString(file)).startsWith("# test");
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) s += x * x;
    return Math.sqrt(s);
  }
}
