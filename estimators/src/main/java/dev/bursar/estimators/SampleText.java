package dev.bursar.estimators;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A learned reader of one sample: P(this sample is right) by logistic regression on the sample's own
 * text ({@link QueryText#features}: the same statistics and hashed n-grams as the query's, read from
 * what the model wrote) and on the shape of the answer it reached ({@link #answerFeatures}). A
 * reasoning chain that says "leap year", a program with an extra loop, or a count of eggs that comes
 * out at 18.333 is wrong more often than its peers; the stop model reads the leader's score beside the
 * vote, so one sample the reader trusts can settle a question that the vote alone would keep drawing on.
 * Where a verifier scored the sample (a reward model behind the backend, a recorded pool's {@code score}),
 * the reader also reads that score and learns per task how far to trust it.
 * Fitted by the tuner on samples whose correctness is known; never reads the gold.
 *
 * <p>The weights are the text's ({@link QueryText#STATS} statistics, then {@code buckets} n-grams),
 * followed by {@link #ANSWER_STATS} weights of the answer's shape and {@link #VERIFIER_STATS} of a
 * verifier's score. A reader of an earlier release has fewer (the text's alone, or the text's and the
 * answer's) and reads only those.
 *
 * @param buckets hashed n-gram buckets of {@link QueryText#features}
 * @param model logistic model of P(the sample is right)
 */
public record SampleText(int buckets, LinearModel model) {
  /** Number of features of the answer's shape (its vote key), after the text's. */
  public static final int ANSWER_STATS = 10;

  /** Number of features of a verifier's score (scored or not; the score), after the answer's. */
  public static final int VERIFIER_STATS = 2;

  public SampleText {
    Objects.requireNonNull(model, "model");
    if (buckets < 0) throw new IllegalArgumentException("buckets must be >= 0, was " + buckets);
    int text = QueryText.STATS + buckets;
    if (model.size() != text && model.size() != text + ANSWER_STATS && model.size() != size(buckets)) {
      throw new IllegalArgumentException("the model needs " + size(buckets) + " weights (" + QueryText.STATS
          + " statistics + " + buckets + " buckets + " + ANSWER_STATS + " of the answer's shape + " + VERIFIER_STATS
          + " of a verifier's score; " + (text + ANSWER_STATS) + " without the verifier's, " + text
          + " of the text alone), got " + model.size());
    }
  }

  /** {@return the number of weights of a reader of the text, the answer's shape and a verifier's score} */
  public static int size(int buckets) {
    return QueryText.STATS + buckets + ANSWER_STATS + VERIFIER_STATS;
  }

  /** {@return whether the reader reads the answer's shape beside the text} */
  public boolean readsAnswer() {
    return model.size() >= QueryText.STATS + buckets + ANSWER_STATS;
  }

  /** {@return whether the reader reads a verifier's score of the sample} */
  public boolean readsVerifier() {
    return model.size() == size(buckets);
  }

  /** {@return whether the reader learned anything from a verifier's scores (weights on them not zero)} */
  public boolean trustsVerifier() {
    if (!readsVerifier()) return false;
    double[] w = model.weights();
    return w[w.length - 1] != 0 || w[w.length - 2] != 0;
  }

  /** {@return P(a sample with this text and this answer is right), no verifier having scored it} */
  public double pRight(String text, @Nullable String answerKey) {
    return pRight(text, answerKey, Double.NaN);
  }

  /**
   * {@return P(a sample with this text, answer and verifier score is right)}
   *
   * @param answerKey the sample's vote key ({@code dev.bursar.controller.Answers#normalize}), null when it has no answer
   * @param verifierScore a verifier's score of the sample, NaN when none scored it
   */
  public double pRight(String text, @Nullable String answerKey, double verifierScore) {
    double[] x = features(text, answerKey, verifierScore, buckets);
    // A reader of an earlier release reads a prefix of these features.
    return model.probability(x.length == model.size() ? x : java.util.Arrays.copyOf(x, model.size()));
  }

  /** {@return the reader's input: the text's features, the answer's shape, the verifier's score} */
  public static double[] features(String text, @Nullable String answerKey, double verifierScore, int buckets) {
    double[] x = QueryText.features(text, buckets);
    double[] all = java.util.Arrays.copyOf(x, x.length + ANSWER_STATS + VERIFIER_STATS);
    System.arraycopy(answerFeatures(answerKey), 0, all, x.length, ANSWER_STATS);
    if (Double.isFinite(verifierScore)) {
      all[x.length + ANSWER_STATS] = 1;
      all[x.length + ANSWER_STATS + 1] = verifierScore;
    }
    return all;
  }

  /**
   * {@return the shape of an answer, from its vote key ({@code num:}, {@code date:}, {@code str:}):
   * none, number, date, other; integer, negative, log magnitude and decimals of a number; a date that is
   * no calendar day; log length of another answer} Tasks whose answers are counts reject most fractions
   * and negatives; which shapes are suspect is learned per pool, never set here.
   */
  public static double[] answerFeatures(@Nullable String answerKey) {
    double[] a = new double[ANSWER_STATS];
    if (answerKey == null) {
      a[0] = 1;
      return a;
    }
    if (answerKey.startsWith("num:")) {
      a[1] = 1;
      String n = answerKey.substring(4);
      double v = parse(n);
      if (Double.isFinite(v)) { // NaN or Infinity: a number, of no other shape
        a[4] = v == Math.rint(v) ? 1 : 0;
        a[5] = v < 0 ? 1 : 0;
        a[6] = Math.log10(1 + Math.min(Math.abs(v), 1e12));
        int dot = n.indexOf('.');
        a[7] = dot < 0 ? 0 : n.length() - dot - 1;
      }
    } else if (answerKey.startsWith("date:")) {
      a[2] = 1;
      a[8] = isCalendarDay(answerKey.substring(5)) ? 0 : 1;
    } else {
      a[3] = 1;
      a[9] = Math.log1p(answerKey.length() - (answerKey.startsWith("str:") ? 4 : 0));
    }
    return a;
  }

  private static double parse(String number) {
    try {
      return Double.parseDouble(number);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static boolean isCalendarDay(String mdy) {
    String[] p = mdy.split("/");
    try {
      java.time.LocalDate.of(Integer.parseInt(p[2]), Integer.parseInt(p[0]), Integer.parseInt(p[1]));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
