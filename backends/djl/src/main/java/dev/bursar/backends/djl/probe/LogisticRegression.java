package dev.bursar.backends.djl.probe;

import dev.bursar.controller.LinearProbe;

/**
 * L2-regularised logistic regression on standardised features, fitted by Newton's method (IRLS)
 * in plain Java. Minimises {@code mean_i logloss(y_i, b + w . z_i) + lambda/2 |w|^2} where {@code
 * z} is the feature vector standardised with the training mean and standard deviation; the bias is
 * not penalised. Deterministic; meant for a few thousand to a few hundred thousand rows of a few
 * hundred features.
 */
public final class LogisticRegression {
  private static final int MAX_ITERATIONS = 50;
  private static final double TOLERANCE = 1e-9;

  private LogisticRegression() {}

  /**
   * A fitted model: {@code P(y) = sigmoid(bias + weights . (x - mean) / std)}.
   *
   * @param iterations Newton steps taken
   * @param converged whether the step fell below the tolerance
   */
  public record Fit(double bias, double[] weights, double[] mean, double[] std, int iterations, boolean converged) {

    /** {@return the probability for one feature vector} */
    public double score(float[] x) {
      double z = bias;
      for (int j = 0; j < x.length; j++) z += weights[j] * (x[j] - mean[j]) / std[j];
      return sigmoid(z);
    }

    /** {@return the probability for each row} */
    public double[] score(float[][] rows) {
      double[] out = new double[rows.length];
      for (int i = 0; i < rows.length; i++) out[i] = score(rows[i]);
      return out;
    }

    /** {@return the weights in the original feature units ({@code weights / std})} */
    public double[] rawDirection() {
      double[] d = new double[weights.length];
      for (int j = 0; j < d.length; j++) d[j] = weights[j] / std[j];
      return d;
    }

    /** {@return this fit as the controller's probe on {@code layer}} */
    public LinearProbe toProbe(int layer) {
      return new LinearProbe(layer, bias, weights.clone(), mean.clone(), std.clone());
    }
  }

  /**
   * Fits the model.
   *
   * @param x rows of features (all the same width)
   * @param y labels
   * @param lambda L2 strength on the standardised weights, {@code >= 0}
   * @throws IllegalArgumentException on empty or ragged input or a negative lambda
   */
  public static Fit fit(float[][] x, boolean[] y, double lambda) {
    if (x.length == 0 || x.length != y.length) {
      throw new IllegalArgumentException("need as many labels as rows, at least one: " + x.length + " rows, " + y.length + " labels");
    }
    if (!(lambda >= 0)) throw new IllegalArgumentException("lambda must be >= 0, was " + lambda);
    int n = x.length;
    int d = x[0].length;
    double[] mean = new double[d];
    double[] std = new double[d];
    for (float[] row : x) {
      if (row.length != d) throw new IllegalArgumentException("ragged rows: " + row.length + " vs " + d);
      for (int j = 0; j < d; j++) mean[j] += row[j];
    }
    for (int j = 0; j < d; j++) mean[j] /= n;
    for (float[] row : x) for (int j = 0; j < d; j++) std[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
    for (int j = 0; j < d; j++) {
      std[j] = Math.sqrt(std[j] / n);
      if (!(std[j] > 1e-12)) std[j] = 1; // a constant feature: leave it unscaled (its weight stays 0)
    }
    // standardised design with a leading column of ones
    int p = d + 1;
    double[][] z = new double[n][p];
    for (int i = 0; i < n; i++) {
      z[i][0] = 1;
      for (int j = 0; j < d; j++) z[i][j + 1] = (x[i][j] - mean[j]) / std[j];
    }
    double[] beta = new double[p];
    long pos = 0;
    for (boolean b : y) if (b) pos++;
    // start from the base rate (clamped so a one-class set still gives a finite bias)
    double rate = Math.min(1 - 1e-6, Math.max(1e-6, (double) pos / n));
    beta[0] = Math.log(rate / (1 - rate));
    // a tiny ridge on the bias keeps the Hessian invertible when the data are separable or one-class
    double biasRidge = 1e-8;
    double effLambda = Math.max(lambda, 1e-10);
    int it = 0;
    boolean converged = false;
    double[] g = new double[p];
    double[][] h = new double[p][p];
    while (it < MAX_ITERATIONS) {
      it++;
      java.util.Arrays.fill(g, 0);
      for (double[] row : h) java.util.Arrays.fill(row, 0);
      for (int i = 0; i < n; i++) {
        double[] zi = z[i];
        double eta = 0;
        for (int j = 0; j < p; j++) eta += beta[j] * zi[j];
        double mu = sigmoid(eta);
        double r = mu - (y[i] ? 1 : 0);
        double w = Math.max(mu * (1 - mu), 1e-12);
        for (int j = 0; j < p; j++) {
          double wz = w * zi[j];
          g[j] += r * zi[j];
          double[] hj = h[j];
          for (int k = 0; k <= j; k++) hj[k] += wz * zi[k];
        }
      }
      for (int j = 0; j < p; j++) {
        g[j] /= n;
        for (int k = 0; k <= j; k++) {
          h[j][k] /= n;
          h[k][j] = h[j][k];
        }
      }
      h[0][0] += biasRidge;
      for (int j = 1; j < p; j++) {
        g[j] += effLambda * beta[j];
        h[j][j] += effLambda;
      }
      double[] step = solveSpd(h, g);
      double maxStep = 0;
      for (int j = 0; j < p; j++) {
        beta[j] -= step[j];
        maxStep = Math.max(maxStep, Math.abs(step[j]));
      }
      if (maxStep < TOLERANCE * (1 + maxAbs(beta))) {
        converged = true;
        break;
      }
    }
    double[] weights = new double[d];
    System.arraycopy(beta, 1, weights, 0, d);
    return new Fit(beta[0], weights, mean, std, it, converged);
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) m = Math.max(m, Math.abs(x));
    return m;
  }

  /** Solves {@code a x = b} for a symmetric positive definite {@code a} by Cholesky. */
  static double[] solveSpd(double[][] a, double[] b) {
    int n = b.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
        if (i == j) {
          if (!(s > 0)) throw new ArithmeticException("matrix is not positive definite at row " + i);
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) s -= l[i][k] * y[k];
      y[i] = s / l[i][i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < n; k++) s -= l[k][i] * x[k];
      x[i] = s / l[i][i];
    }
    return x;
  }
}
