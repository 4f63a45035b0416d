package dev.bursar.backends.djl.probe;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Area under the ROC curve: the probability that a random positive scores higher than a random
 * negative, ties counting one half (the Mann-Whitney U statistic over {@code nPos * nNeg}).
 */
public final class Auc {
  private Auc() {}

  /**
   * {@return the AUC of {@code scores} against {@code labels}, or NaN when either class is empty}
   *
   * @throws IllegalArgumentException if the arrays differ in length or a score is NaN
   */
  public static double of(double[] scores, boolean[] labels) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
    }
    int n = scores.length;
    for (double s : scores) if (Double.isNaN(s)) throw new IllegalArgumentException("NaN score");
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    long pos = 0;
    double rankSumPos = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) j++;
      double midRank = (i + j) / 2.0 + 1; // 1-based average rank of the tie group
      for (int k = i; k <= j; k++) {
        if (labels[order[k]]) {
          pos++;
          rankSumPos += midRank;
        }
      }
      i = j + 1;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) return Double.NaN;
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }
}
