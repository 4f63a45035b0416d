package dev.bursar.tuner;

import dev.bursar.estimators.FittedEstimator;
import dev.bursar.estimators.Gamma;
import dev.bursar.estimators.LinearModel;
import dev.bursar.estimators.QueryText;
import dev.bursar.estimators.SampleText;
import dev.bursar.estimators.TreeEnsemble;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import smile.base.cart.CART;
import smile.base.cart.InternalNode;
import smile.base.cart.Loss;
import smile.base.cart.Node;
import smile.base.cart.OrdinalNode;
import smile.base.cart.RegressionNode;
import smile.classification.LogisticRegression;
import smile.classification.SparseLogisticRegression;
import smile.data.DataFrame;
import smile.data.SampleInstance;
import smile.data.SparseDataset;
import smile.data.type.DataTypes;
import smile.data.type.StructField;
import smile.regression.RegressionTree;
import smile.util.SparseArray;

/**
 * The fits, with Smile where it fits: logistic regression for P(one sample is right) from the query
 * text and for P(this sample is right) from the sample's own text (sparse), gradient-boosted trees under cross-entropy for the stop model's probabilities, and a Gamma regression with log link
 * (iteratively reweighted least squares, then the shape by maximum likelihood) for output length.
 * Every fit is exported to the plain-Java scorers of {@code estimators} and checked against Smile's
 * own predictions before it is returned.
 */
final class Fitting {
  /** Hashed n-gram buckets of the query-text features. */
  static final int BUCKETS = 64;

  /** Boosting settings: small trees, large leaves, no subsampling (deterministic). */
  record Boosting(int trees, int maxDepth, int maxNodes, int nodeSize, double shrinkage) {
    // Shallow trees over large leaves: a pool's rows come from a few hundred questions, each seen in
    // many draw orders, and deeper trees learn the questions instead of the states (measured on the
    // replay benchmark's tune halves: 120 trees of depth 5 over leaves of 40 rows stopped worse).
    static final Boosting DEFAULT = new Boosting(80, 3, 8, 400, 0.1);
  }

  private Fitting() {}

  /**
   * {@return the difficulty and length estimator fitted on {@code questions}} Each model's penalty
   * is chosen by a 2-fold cross-validation by question among {@link #PENALTIES} and a constant (no
   * text feature at all): on a small or uninformative pool the text overfits, and the constant wins.
   */
  static FittedEstimator estimator(List<Question> questions) {
    List<Question> a = questions.stream().filter(q -> q.fold(2, 11) == 0).toList();
    List<Question> b = questions.stream().filter(q -> q.fold(2, 11) == 1).toList();
    double bestDifficulty = Double.NaN, bestLength = Double.NaN;
    if (a.size() >= 3 && b.size() >= 3) {
      double bestLoss = Double.POSITIVE_INFINITY, bestLl = Double.NEGATIVE_INFINITY;
      for (double penalty : PENALTIES) {
        double loss = logLoss(difficulty(a, penalty), b) + logLoss(difficulty(b, penalty), a);
        if (loss < bestLoss) {
          bestLoss = loss;
          bestDifficulty = penalty;
        }
        double ll = lengthLogLik(length(a, penalty), b) + lengthLogLik(length(b, penalty), a);
        if (ll > bestLl) {
          bestLl = ll;
          bestLength = penalty;
        }
      }
    } else {
      bestDifficulty = PENALTIES[0];
      bestLength = PENALTIES[0];
    }
    LinearModel difficulty = difficulty(questions, bestDifficulty);
    Length length = length(questions, bestLength);
    return new FittedEstimator(BUCKETS, difficulty, length.logMean(), length.shape());
  }

  /** Hashed n-gram buckets of a sample's text: a chain of thought has more words to tell apart than a query. */
  static final int SAMPLE_BUCKETS = 1024;

  /** Penalties tried for the sample-text reader, weakest first (a sum over thousands of samples, not a mean). */
  static final double[] SAMPLE_PENALTIES = {0.3, 3.0, 30.0};

  /** The least relative gain in held-out log-loss over the constant rate for which a sample-text reader is kept. */
  static final double MIN_TEXT_GAIN = 0.005;

  /**
   * The sample-text reader fitted on two halves of the training questions, with what the stop model
   * is fitted on: each question's samples scored by the reader fitted on the other half, as at run time
   * (scored by a reader that saw them, the stop model would learn to trust an overfitted score).
   *
   * @param reader the reader fitted on both halves, or null when no penalty beat the constant rate on
   *     the other half (texts that say nothing), or the samples have no text
   * @param heldOut each question's scores by sample index, from the reader that did not see it
   */
  record SampleTextFit(@Nullable SampleText reader, Map<Question, double[]> heldOut) {
    static final SampleTextFit NONE = new SampleTextFit(null, Map.of());

    /** {@return {@code q}'s held-out scores, or null without a reader} */
    double @Nullable [] scores(Question q) {
      return reader == null ? null : heldOut.get(q);
    }
  }

  /**
   * {@return the sample-text reader of {@code a} and {@code b}} The penalty is chosen by fitting on one
   * half and scoring the other, both ways, against the constant rate of right samples, which must be
   * beaten by {@link #MIN_TEXT_GAIN}.
   */
  static SampleTextFit sampleText(List<Question> a, List<Question> b) {
    // Each text is hashed once: the fits and their held-out losses all read these rows.
    ScoreScale scale = ScoreScale.of(a, b);
    List<SampleInstance<SparseArray, Integer>> rowsA = textRows(a, scale), rowsB = textRows(b, scale);
    if (rowsA.isEmpty() || rowsB.isEmpty()) return SampleTextFit.NONE;
    double best = Double.NaN;
    // A reader must beat the constant rate by more than a hair: random words beat it by 0.2% on a small pool.
    double bestLoss = (1 - MIN_TEXT_GAIN) * (textLogLoss(constantLogistic(labels(rowsA), TEXT_FEATURES), rowsB)
        + textLogLoss(constantLogistic(labels(rowsB), TEXT_FEATURES), rowsA));
    Map<Double, LinearModel[]> fits = new HashMap<>();
    for (double penalty : SAMPLE_PENALTIES) {
      LinearModel onA = sampleLogistic(rowsA, penalty), onB = sampleLogistic(rowsB, penalty);
      fits.put(penalty, new LinearModel[] {onA, onB});
      double loss = textLogLoss(onA, rowsB) + textLogLoss(onB, rowsA);
      if (loss < bestLoss) {
        bestLoss = loss;
        best = penalty;
      }
    }
    if (Double.isNaN(best)) return SampleTextFit.NONE;
    List<SampleInstance<SparseArray, Integer>> both = new ArrayList<>(rowsA);
    both.addAll(rowsB);
    var reader = new SampleText(SAMPLE_BUCKETS, scale.raw(sampleLogistic(both, best)));
    Map<Question, double[]> heldOut = new IdentityHashMap<>();
    var onA = new SampleText(SAMPLE_BUCKETS, scale.raw(fits.get(best)[0]));
    var onB = new SampleText(SAMPLE_BUCKETS, scale.raw(fits.get(best)[1]));
    for (Question q : a) heldOut.put(q, scores(onB, q));
    for (Question q : b) heldOut.put(q, scores(onA, q));
    return new SampleTextFit(reader, heldOut);
  }

  /** {@return {@code reader}'s score of each of {@code q}'s samples, NaN where a sample has no text} */
  static double[] scores(SampleText reader, Question q) {
    double[] out = new double[q.size()];
    for (int i = 0; i < out.length; i++) {
      String text = q.texts().get(i);
      out[i] = text == null ? Double.NaN : reader.pRight(text, q.keys().get(i), q.verifierScores()[i]);
    }
    return out;
  }

  private static final int TEXT_FEATURES = SampleText.size(SAMPLE_BUCKETS);

  /**
   * The verifier scores' mean and spread over the training samples. The reader is fitted on the score
   * standardised, so a reward model's logits, a judge's 0-100 or a score offset by millions fit alike
   * (measured: GSM8K with a simulated verifier, 0.52x of the cheapest baseline; the same scores times a
   * million plus 5e7 fitted raw, 0.76x, as if there were none), and exported on the raw scale, so the run time
   * reads the score as the verifier gives it. Standardised the score is penalised like the other features; a
   * wider spread, penalised less, fitted Qwen's tune halves better (held-out log-loss 0.230 against 0.292)
   * and stopped worse (one split 2.37x, another 3.1 points below SC at the cap), so it is not widened.
   */
  record ScoreScale(double mean, double sd) {
    static ScoreScale of(List<Question> a, List<Question> b) {
      double[] v = java.util.stream.Stream.concat(a.stream(), b.stream()).flatMapToDouble(q -> Arrays.stream(q.verifierScores()))
          .filter(Double::isFinite).toArray();
      if (v.length < 2) return new ScoreScale(0, 1);
      double sum = 0, squares = 0;
      for (double x : v) sum += x;
      double mean = sum / v.length;
      for (double x : v) squares += (x - mean) * (x - mean);
      double sd = Math.sqrt(squares / (v.length - 1));
      return new ScoreScale(mean, sd > 0 ? sd : 1);
    }

    double standardised(double score) {
      return (score - mean) / sd;
    }

    /** {@return {@code m}, fitted on standardised scores, reading raw ones: the flag of a scored sample absorbs the shift} */
    LinearModel raw(LinearModel m) {
      double[] w = m.weights().clone();
      int scored = w.length - SampleText.VERIFIER_STATS, score = scored + 1;
      double onZ = w[score];
      w[score] = onZ / sd;
      w[scored] -= onZ * mean / sd;
      return new LinearModel(w, m.bias());
    }
  }

  /**
   * {@return one row per sample with a text: its features (the text's, its answer's shape and its verifier
   * score, standardised by {@code scale}), sparse (a text touches a few dozen buckets), and whether it is right}
   */
  private static List<SampleInstance<SparseArray, Integer>> textRows(List<Question> questions, ScoreScale scale) {
    List<SampleInstance<SparseArray, Integer>> rows = new ArrayList<>();
    for (Question q : questions) {
      for (int i = 0; i < q.size(); i++) {
        String text = q.texts().get(i);
        if (text == null) continue;
        double v = q.verifierScores()[i];
        double[] x = SampleText.features(text, q.keys().get(i), Double.isFinite(v) ? scale.standardised(v) : v, SAMPLE_BUCKETS);
        var sparse = new SparseArray();
        for (int j = 0; j < x.length; j++) if (x[j] != 0) sparse.append(j, x[j]);
        rows.add(new SampleInstance<>(sparse, q.correct()[i] ? 1 : 0));
      }
    }
    return rows;
  }

  private static int[] labels(List<SampleInstance<SparseArray, Integer>> rows) {
    return rows.stream().mapToInt(SampleInstance::y).toArray();
  }

  /** {@return the summed log-loss of a sample-text model on {@code rows}} */
  private static double textLogLoss(LinearModel m, List<SampleInstance<SparseArray, Integer>> rows) {
    double[] w = m.weights();
    double loss = 0;
    for (var r : rows) {
      double[] score = {m.bias()};
      r.x().forEach((j, v) -> score[0] += w[j] * v);
      loss += logLoss(1 / (1 + Math.exp(-score[0])), r.y() == 1);
    }
    return loss;
  }

  /** Logistic regression of a sample's correctness on its text, with Smile's sparse logistic regression. */
  private static LinearModel sampleLogistic(List<SampleInstance<SparseArray, Integer>> rows, double l2) {
    int[] y = labels(rows);
    int ones = 0;
    for (int v : y) ones += v;
    if (ones == 0 || ones == y.length) return constantLogistic(y, TEXT_FEATURES);
    var fit = SparseLogisticRegression.binomial(new SparseDataset<>(rows, TEXT_FEATURES), new LogisticRegression.Options(l2, 1e-5, 500));
    double[] c = fit.coefficients(); // p weights then the intercept
    var model = new LinearModel(Arrays.copyOf(c, TEXT_FEATURES), c[TEXT_FEATURES]);
    for (int i = 0; i < Math.min(200, rows.size()); i++) {
      double[] x = new double[TEXT_FEATURES];
      rows.get(i).x().forEach((j, v) -> x[j] = v);
      double[] post = new double[2];
      fit.predict(rows.get(i).x(), post);
      if (Math.abs(model.probability(x) - post[1]) > 1e-6) {
        throw new IllegalStateException("sample-text logistic export disagrees with Smile at row " + i + ": " + model.probability(x)
            + " vs " + post[1]);
      }
    }
    return model;
  }

  /** Penalties tried, weakest first; infinity means the constant model. */
  static final double[] PENALTIES = {1.0, 10.0, Double.POSITIVE_INFINITY};

  private record Length(LinearModel logMean, double shape) {}

  private static LinearModel difficulty(List<Question> questions, double penalty) {
    int p = QueryText.STATS + BUCKETS;
    List<double[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    for (Question q : questions) {
      double[] x = QueryText.features(q.prompt(), BUCKETS);
      for (boolean c : q.correct()) {
        xs.add(x);
        ys.add(c ? 1 : 0);
      }
    }
    int[] y = ys.stream().mapToInt(Integer::intValue).toArray();
    if (Double.isInfinite(penalty)) return constantLogistic(y, p);
    return logistic(xs.toArray(double[][]::new), y, p, penalty);
  }

  private static Length length(List<Question> questions, double penalty) {
    int p = QueryText.STATS + BUCKETS;
    List<double[]> xs = new ArrayList<>();
    List<Long> ys = new ArrayList<>();
    for (Question q : questions) {
      double[] x = QueryText.features(q.prompt(), BUCKETS);
      for (int t : q.tokens()) {
        xs.add(x);
        ys.add((long) t);
      }
    }
    double[][] x = xs.toArray(double[][]::new);
    long[] y = ys.stream().mapToLong(Long::longValue).toArray();
    if (Double.isInfinite(penalty)) {
      Gamma g = Gamma.fit(y);
      return new Length(new LinearModel(new double[p], Math.log(g.mean())), g.shape());
    }
    LinearModel logMean = gammaRegression(x, y, p, penalty);
    double[] means = new double[y.length];
    for (int i = 0; i < y.length; i++) means[i] = Math.max(1.0, logMean.exp(x[i]));
    return new Length(logMean, Gamma.shapeGivenMeans(y, means));
  }

  /** {@return the summed log-loss of the difficulty model on every sample of {@code questions}} */
  static double logLoss(LinearModel m, List<Question> questions) {
    double loss = 0;
    for (Question q : questions) loss += logLoss(m.probability(QueryText.features(q.prompt(), BUCKETS)), q);
    return loss;
  }

  /** {@return the summed log-loss of P(one sample is right) = {@code p} on {@code q}'s samples} */
  static double logLoss(double p, Question q) {
    double loss = 0;
    for (boolean c : q.correct()) loss += logLoss(p, c);
    return loss;
  }

  /** {@return the log-loss of P(right) = {@code p} on one sample} */
  static double logLoss(double p, boolean right) {
    double pr = Math.clamp(p, 1e-6, 1 - 1e-6);
    return right ? -Math.log(pr) : -Math.log(1 - pr);
  }

  private static double lengthLogLik(Length l, List<Question> questions) {
    double ll = 0;
    for (Question q : questions) {
      double mean = Math.max(1.0, l.logMean().exp(QueryText.features(q.prompt(), BUCKETS)));
      var g = new Gamma(l.shape(), mean / l.shape());
      for (int t : q.tokens()) ll += g.logDensity(Math.max(1, t));
    }
    return ll;
  }

  private static LinearModel constantLogistic(int[] y, int p) {
    int ones = 0;
    for (int v : y) ones += v;
    double rate = (ones + 0.5) / (y.length + 1.0);
    return new LinearModel(new double[p], Math.log(rate / (1 - rate)));
  }

  /** Logistic regression with Smile; a single-class sample gets the constant model of its rate. */
  static LinearModel logistic(double[][] x, int[] y, int p, double l2) {
    int ones = 0;
    for (int v : y) ones += v;
    if (ones == 0 || ones == y.length) return constantLogistic(y, p);
    var fit = LogisticRegression.binomial(x, y, new LogisticRegression.Options(l2, 1e-5, 500));
    double[] c = fit.coefficients(); // p weights then the intercept
    var model = new LinearModel(Arrays.copyOf(c, p), c[p]);
    for (int i = 0; i < Math.min(200, x.length); i++) {
      double ours = model.probability(x[i]);
      double[] post = new double[2];
      fit.predict(x[i], post);
      if (Math.abs(ours - post[1]) > 1e-6) {
        throw new IllegalStateException("logistic export disagrees with Smile at row " + i + ": " + ours + " vs " + post[1]);
      }
    }
    return model;
  }

  /**
   * Gamma regression with log link by iteratively reweighted least squares: with a log link the
   * working weights of a Gamma are all 1, so each step is a ridge regression of the working
   * response {@code eta + (y - mu) / mu}.
   */
  static LinearModel gammaRegression(double[][] x, long[] y, int p, double ridge) {
    int n = y.length;
    double mean = 0;
    for (long v : y) mean += Math.max(1, v);
    mean /= n;
    double[] beta = new double[p + 1]; // intercept last
    beta[p] = Math.log(mean);
    for (int iter = 0; iter < 25; iter++) {
      double[][] a = new double[p + 1][p + 1];
      double[] b = new double[p + 1];
      double[] row = new double[p + 1];
      for (int i = 0; i < n; i++) {
        System.arraycopy(x[i], 0, row, 0, p);
        row[p] = 1;
        double eta = 0;
        for (int j = 0; j <= p; j++) eta += beta[j] * row[j];
        eta = Math.clamp(eta, -20, 20);
        double mu = Math.exp(eta);
        double z = eta + (Math.max(1, y[i]) - mu) / mu;
        for (int j = 0; j <= p; j++) {
          b[j] += row[j] * z;
          for (int k = 0; k <= j; k++) a[j][k] += row[j] * row[k];
        }
      }
      for (int j = 0; j < p; j++) a[j][j] += ridge;
      for (int j = 0; j <= p; j++) for (int k = j + 1; k <= p; k++) a[j][k] = a[k][j];
      double[] next = Cholesky.solve(a, b);
      double change = 0;
      for (int j = 0; j <= p; j++) change = Math.max(change, Math.abs(next[j] - beta[j]));
      beta = next;
      if (change < 1e-7) break;
    }
    return new LinearModel(Arrays.copyOf(beta, p), beta[p]);
  }

  /**
   * {@return gradient-boosted trees of a probability {@code y} in [0, 1] under cross-entropy, read
   * through the logistic link} Unlike least squares, whose sum can sit at or below zero over whole
   * regions (and the clipped prediction then ties at exactly 0), this predicts a probability strictly
   * inside (0, 1) that still ranks the states there. Smile grows each tree on the pseudo-response
   * {@code y - p} ({@link CrossEntropy}); its leaves are one Newton step, so the tree is Smile's and
   * the leaf values are checked against Smile's own.
   */
  static TreeEnsemble logisticBoostedTrees(double[][] x, double[] y, Boosting b) {
    int n = x.length, p = x[0].length;
    String[] names = new String[p];
    for (int j = 0; j < p; j++) names[j] = "x" + j;
    DataFrame df = DataFrame.of(x, names);
    int[][] order = CART.order(df);
    int[] samples = new int[n];
    Arrays.fill(samples, 1);
    var loss = new CrossEntropy(y);
    double base = loss.intercept(y);
    double[] sum = loss.residual();
    var field = new StructField("residual", DataTypes.DoubleType);
    List<TreeEnsemble.Tree> trees = new ArrayList<>();
    for (int t = 0; t < b.trees(); t++) {
      var tree = new RegressionTree(df, loss, field, b.maxDepth(), b.maxNodes(), b.nodeSize(), p, samples, order);
      TreeEnsemble.Tree exported = export(tree.root(), b.shrinkage());
      for (int i = 0; i < n; i++) {
        double leaf = exported.predict(x[i]);
        if (i % Math.max(1, n / 50) == 0 && Math.abs(leaf - b.shrinkage() * tree.predict(df.get(i))) > 1e-9) {
          throw new IllegalStateException("tree export disagrees with Smile at row " + i + " of tree " + t);
        }
        sum[i] += leaf;
      }
      trees.add(exported);
    }
    return new TreeEnsemble(base, trees, TreeEnsemble.Link.LOGIT);
  }

  /**
   * Smile's loss contract for cross-entropy on a probability target: {@link #residual} holds the
   * ensemble's running sum (log-odds), {@link #response} is the gradient {@code y - p} each tree is
   * grown on, and a leaf's output is the Newton step {@code sum(y - p) / sum(p (1 - p))}.
   */
  private static final class CrossEntropy implements Loss {
    private final double[] y;
    private final double[] sum;
    private final double[] response;

    CrossEntropy(double[] y) {
      this.y = y;
      this.sum = new double[y.length];
      this.response = new double[y.length];
    }

    private static double probability(double s) {
      return TreeEnsemble.Link.LOGIT.apply(s);
    }

    @Override
    public double value() {
      double v = 0;
      for (int i = 0; i < y.length; i++) {
        double pr = Math.clamp(probability(sum[i]), 1e-12, 1 - 1e-12);
        v -= y[i] * Math.log(pr) + (1 - y[i]) * Math.log(1 - pr);
      }
      return v / y.length;
    }

    @Override
    public double output(int[] nodeSamples, int[] sampleCount) {
      double num = 0, den = 0;
      for (int i : nodeSamples) {
        double pr = probability(sum[i]);
        num += sampleCount[i] * (y[i] - pr);
        den += sampleCount[i] * pr * (1 - pr);
      }
      // A leaf that is already pure (p near 0 or 1 everywhere) would take a huge step: bound it.
      return Math.clamp(num / Math.max(den, 1e-6), -4.0, 4.0);
    }

    @Override
    public double intercept(double[] target) {
      double mean = Math.clamp(Arrays.stream(target).average().orElse(0.5), 1e-4, 1 - 1e-4);
      double b = Math.log(mean / (1 - mean));
      Arrays.fill(sum, b);
      return b;
    }

    @Override
    public double[] response() {
      for (int i = 0; i < y.length; i++) response[i] = y[i] - probability(sum[i]);
      return response;
    }

    @Override
    public double[] residual() {
      return sum;
    }

    @Override
    public String toString() {
      return "CrossEntropy";
    }
  }

  /** Flattens a Smile tree, pre-order, so every child comes after its parent. */
  private static TreeEnsemble.Tree export(Node root, double shrinkage) {
    List<Node> nodes = new ArrayList<>();
    nodes.add(root);
    List<int[]> children = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i) instanceof InternalNode in) {
        nodes.add(in.trueChild());
        nodes.add(in.falseChild());
        children.add(new int[] {nodes.size() - 2, nodes.size() - 1});
      } else {
        children.add(new int[] {0, 0});
      }
    }
    int n = nodes.size();
    int[] feature = new int[n], left = new int[n], right = new int[n];
    double[] threshold = new double[n], value = new double[n];
    for (int i = 0; i < n; i++) {
      switch (nodes.get(i)) {
        case OrdinalNode o -> {
          feature[i] = o.feature();
          threshold[i] = splitValue(o);
          left[i] = children.get(i)[0];
          right[i] = children.get(i)[1];
        }
        case RegressionNode leaf -> {
          feature[i] = -1;
          value[i] = shrinkage * leaf.output();
        }
        default -> throw new IllegalStateException("unexpected tree node " + nodes.get(i).getClass().getSimpleName()
            + ": every feature is numeric, so every split should be ordinal");
      }
    }
    return new TreeEnsemble.Tree(feature, threshold, left, right, value);
  }

  /** Smile exposes no getter for an ordinal split's value; the export is checked against its predictions. */
  private static double splitValue(OrdinalNode node) {
    try {
      Field f = OrdinalNode.class.getDeclaredField("value");
      f.setAccessible(true);
      return f.getDouble(node);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot read a Smile split value (Smile version changed?): " + e, e);
    }
  }
}
