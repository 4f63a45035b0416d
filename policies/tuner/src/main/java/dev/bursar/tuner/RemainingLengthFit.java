package dev.bursar.tuner;

import dev.bursar.controller.LinearProbe;
import dev.bursar.controller.ReasoningFormat;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * Fits the white-box remaining-length head: from the model's hidden state at the end of each
 * reasoning step of recorded chains, how many thinking tokens are still to come (up to and including
 * the close of the thinking), as ridge regression on {@code log(1 + remaining)}. The layer and the
 * penalty are chosen by cross-validation by question on the held-out squared error of that log, and
 * the held-out mean absolute error in tokens is reported against a constant (the training folds'
 * mean), so the file says whether the head knows more than nothing. Chains that never closed their
 * thinking (cut at a length cap) say nothing about how long they would have run and are left out.
 */
public final class RemainingLengthFit {
  static final int FOLDS = 5;
  static final double[] PENALTIES = {0.1, 1, 10, 100, 1000, 10000};

  /** A recorded chain: its question (chains of one question share a fold), the prompt and the sample's text. */
  public record Chain(int question, String prompt, String text) {}

  /** Reads hidden states: {@code at(text, layer, positions)}, as {@link dev.bursar.controller.WhiteBoxBackend#hiddenStates}. */
  @FunctionalInterface
  public interface HiddenStates {
    float[][] at(String text, int layer, int[] positions);
  }

  /**
   * @param head the chosen head, fitted on every row
   * @param headMae held-out mean absolute error of the head's remaining tokens
   * @param constantMae the same for a constant prediction
   * @param rows step ends used
   * @param chains chains used (closed ones)
   */
  public record Result(LinearProbe head, double penalty, double headMae, double constantMae, int rows, int chains) {}

  private RemainingLengthFit() {}

  /**
   * @param tokens the token count of a text, as the backend tokenizes it
   * @param layers the model's layer count (every layer is tried)
   */
  public static Result fit(List<Chain> chains, ReasoningFormat format, ToIntFunction<String> tokens, HiddenStates hidden, int layers,
      PrintStream progress) {
    // Rows: one per step end inside a closed thinking; its token position and the thinking still to come.
    List<Chain> used = new ArrayList<>();
    List<int[]> positions = new ArrayList<>();
    List<Integer> fold = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (Chain c : chains) {
      int close = c.text().indexOf(format.thinkClose());
      if (close < 0) continue;
      int closeEnd = close + format.thinkClose().length();
      List<Integer> at = new ArrayList<>();
      for (int e = c.text().indexOf(format.stepDelimiter()); e >= 0 && e < close;
          e = c.text().indexOf(format.stepDelimiter(), e + 1)) {
        int end = e + format.stepDelimiter().length();
        at.add(tokens.applyAsInt(c.prompt() + c.text().substring(0, end)) - 1);
        y.add(Math.log1p(tokens.applyAsInt(c.text().substring(end, closeEnd))));
        fold.add(Math.floorMod(Long.hashCode(c.question() * 0x9E3779B97F4A7C15L), FOLDS));
      }
      if (at.isEmpty()) continue;
      used.add(c);
      positions.add(at.stream().mapToInt(Integer::intValue).toArray());
    }
    int n = y.size();
    if (n < 2 * FOLDS) throw new IllegalArgumentException("need at least " + 2 * FOLDS + " step ends in closed chains, got " + n);
    double[] target = y.stream().mapToDouble(Double::doubleValue).toArray();
    int[] folds = fold.stream().mapToInt(Integer::intValue).toArray();
    double constantMae = constantMae(target, folds);
    double best = Double.POSITIVE_INFINITY, bestPenalty = PENALTIES[0], bestMae = Double.NaN;
    int bestLayer = layers;
    float[][] bestX = null;
    for (int layer = 1; layer <= layers; layer++) {
      float[][] x = new float[n][];
      int row = 0;
      for (int i = 0; i < used.size(); i++) {
        Chain c = used.get(i);
        for (float[] h : hidden.at(c.prompt() + c.text(), layer, positions.get(i))) x[row++] = h;
      }
      for (double penalty : PENALTIES) {
        double sq = 0, abs = 0;
        for (int f = 0; f < FOLDS; f++) {
          LinearProbe head = ridge(x, target, folds, f, layer, penalty);
          for (int r = 0; r < n; r++) {
            if (folds[r] != f) continue;
            double p = head.linear(x[r]);
            sq += (p - target[r]) * (p - target[r]);
            abs += Math.abs(Math.max(0, Math.expm1(p)) - Math.expm1(target[r]));
          }
        }
        progress.printf(Locale.ROOT, "  remaining-length head: layer %d, penalty %.0f: held-out MAE %.2f tokens (constant %.2f)%n",
            layer, penalty, abs / n, constantMae);
        if (sq < best) {
          best = sq;
          bestLayer = layer;
          bestPenalty = penalty;
          bestMae = abs / n;
          bestX = x;
        }
      }
    }
    return new Result(ridge(bestX, target, folds, -1, bestLayer, bestPenalty), bestPenalty, bestMae, constantMae, n, used.size());
  }

  /** Ridge regression on the standardised rows not in fold {@code heldOut} (-1: every row); the intercept is not penalised. */
  static LinearProbe ridge(float[][] x, double[] y, int[] folds, int heldOut, int layer, double penalty) {
    int d = x[0].length;
    List<Integer> rows = new ArrayList<>();
    for (int r = 0; r < x.length; r++) if (folds[r] != heldOut) rows.add(r);
    double[] mean = new double[d], std = new double[d];
    double yMean = 0;
    for (int r : rows) {
      for (int j = 0; j < d; j++) mean[j] += x[r][j];
      yMean += y[r];
    }
    yMean /= rows.size();
    for (int j = 0; j < d; j++) mean[j] /= rows.size();
    for (int r : rows) for (int j = 0; j < d; j++) std[j] += (x[r][j] - mean[j]) * (x[r][j] - mean[j]);
    for (int j = 0; j < d; j++) std[j] = Math.max(1e-6, Math.sqrt(std[j] / rows.size()));
    double[][] a = new double[d][d];
    double[] b = new double[d];
    double[] z = new double[d];
    for (int r : rows) {
      for (int j = 0; j < d; j++) z[j] = (x[r][j] - mean[j]) / std[j];
      for (int j = 0; j < d; j++) {
        b[j] += z[j] * (y[r] - yMean);
        for (int k = j; k < d; k++) a[j][k] += z[j] * z[k];
      }
    }
    for (int j = 0; j < d; j++) {
      a[j][j] += penalty;
      for (int k = j + 1; k < d; k++) a[k][j] = a[j][k];
    }
    return new LinearProbe(layer, yMean, Cholesky.solve(a, b), mean, std);
  }

  /** {@return the held-out mean absolute error in tokens of predicting each fold by the other folds' mean log} */
  private static double constantMae(double[] y, int[] folds) {
    double abs = 0;
    for (int f = 0; f < FOLDS; f++) {
      double sum = 0;
      int count = 0;
      for (int r = 0; r < y.length; r++) if (folds[r] != f) { sum += y[r]; count++; }
      double p = Math.expm1(sum / count);
      for (int r = 0; r < y.length; r++) if (folds[r] == f) abs += Math.abs(p - Math.expm1(y[r]));
    }
    return abs / y.length;
  }
}
