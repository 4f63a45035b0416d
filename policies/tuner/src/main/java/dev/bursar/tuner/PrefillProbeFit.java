package dev.bursar.tuner;

import dev.bursar.controller.LinearProbe;
import dev.bursar.estimators.LinearModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Fits the white-box difficulty prior: P(one sample is right) from the model's hidden state at the
 * last prompt token (the prefill), by logistic regression (Smile) on one layer, every sample of a
 * question a row labelled right or wrong. The layer and the penalty are chosen by cross-validation
 * by question on held-out log-loss, which is also reported for the text estimator on the same folds,
 * so the file says whether the probe knows more than the prompt's text. The out-of-fold
 * probabilities are what the tuner's stop model reads as each question's prior (never one fitted on
 * the question itself), as the text estimator's are.
 */
public final class PrefillProbeFit {
  static final int FOLDS = 5;
  static final double[] PENALTIES = {1, 10, 100, 1000, 10000};

  /**
   * @param probe the chosen probe, fitted on every question
   * @param outOfFold each question's P(one sample is right) from the probe fitted on the other folds
   * @param probeLogLoss held-out log-loss per sample of the chosen probe
   * @param textLogLoss held-out log-loss per sample of the text estimator on the same folds
   */
  public record Result(LinearProbe probe, double penalty, double[] outOfFold, double probeLogLoss, double textLogLoss) {}

  private PrefillProbeFit() {}

  /**
   * @param questions the questions, in the order of the hidden states' rows
   * @param hiddenAt for a layer (1-based), the hidden state at the last prompt token of every question
   * @param layers the model's layer count (every layer is tried)
   */
  public static Result fit(List<Question> questions, IntFunction<float[][]> hiddenAt, int layers, PrintStream progress) {
    if (questions.size() < 2 * FOLDS) throw new IllegalArgumentException("need at least " + 2 * FOLDS + " questions, got " + questions.size());
    int[] fold = new int[questions.size()];
    for (int i = 0; i < fold.length; i++) fold[i] = questions.get(i).fold(FOLDS, 13);
    double text = textLogLoss(questions, fold);
    double best = Double.POSITIVE_INFINITY;
    int bestLayer = layers;
    double bestPenalty = PENALTIES[0];
    double[] bestOof = null;
    float[][] bestHidden = null;
    for (int layer = 1; layer <= layers; layer++) {
      float[][] h = hiddenAt.apply(layer);
      for (double penalty : PENALTIES) {
        double[] oof = new double[questions.size()];
        for (int f = 0; f < FOLDS; f++) {
          List<Integer> train = new ArrayList<>();
          for (int i = 0; i < fold.length; i++) if (fold[i] != f) train.add(i);
          LinearProbe p = probe(questions, h, train, layer, penalty);
          for (int i = 0; i < fold.length; i++) if (fold[i] == f) oof[i] = p.score(h[i]);
        }
        double loss = logLoss(questions, oof);
        progress.printf(Locale.ROOT, "  prefill probe: layer %d, penalty %.0f: held-out log-loss %.4f (text estimator %.4f)%n", layer, penalty, loss, text);
        if (loss < best) {
          best = loss;
          bestLayer = layer;
          bestPenalty = penalty;
          bestOof = oof;
          bestHidden = h;
        }
      }
    }
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) all.add(i);
    return new Result(probe(questions, bestHidden, all, bestLayer, bestPenalty), bestPenalty, bestOof, best, text);
  }

  /** Logistic regression on the standardised hidden states of {@code rows}, a row per sample. */
  private static LinearProbe probe(List<Question> questions, float[][] h, List<Integer> rows, int layer, double penalty) {
    int d = h[0].length;
    double[] mean = new double[d], std = new double[d];
    for (int i : rows) for (int j = 0; j < d; j++) mean[j] += h[i][j];
    for (int j = 0; j < d; j++) mean[j] /= rows.size();
    for (int i : rows) for (int j = 0; j < d; j++) std[j] += (h[i][j] - mean[j]) * (h[i][j] - mean[j]);
    for (int j = 0; j < d; j++) std[j] = Math.max(1e-6, Math.sqrt(std[j] / rows.size()));
    List<double[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    for (int i : rows) {
      double[] x = new double[d];
      for (int j = 0; j < d; j++) x[j] = (h[i][j] - mean[j]) / std[j];
      for (boolean c : questions.get(i).correct()) {
        xs.add(x);
        ys.add(c ? 1 : 0);
      }
    }
    LinearModel m = Fitting.logistic(xs.toArray(double[][]::new), ys.stream().mapToInt(Integer::intValue).toArray(), d, penalty);
    return new LinearProbe(layer, m.bias(), m.weights(), mean, std);
  }

  private static double textLogLoss(List<Question> questions, int[] fold) {
    double loss = 0;
    for (int f = 0; f < FOLDS; f++) {
      List<Question> train = new ArrayList<>(), held = new ArrayList<>();
      for (int i = 0; i < fold.length; i++) (fold[i] == f ? held : train).add(questions.get(i));
      loss += Fitting.logLoss(Fitting.estimator(train).difficulty(), held);
    }
    return loss / samples(questions);
  }

  /** {@return the mean log-loss per sample of the per-question probabilities {@code p}} */
  private static double logLoss(List<Question> questions, double[] p) {
    double loss = 0;
    for (int i = 0; i < p.length; i++) loss += Fitting.logLoss(p[i], questions.get(i));
    return loss / samples(questions);
  }

  private static int samples(List<Question> questions) {
    return questions.stream().mapToInt(Question::size).sum();
  }
}
