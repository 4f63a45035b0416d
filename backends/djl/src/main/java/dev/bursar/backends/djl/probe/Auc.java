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

  /**
   * {@return the AUC over positive-negative pairs that share a group only (ties one half), or NaN
   * when no group holds both classes}. With events grouped by problem and step index this asks what
   * step-level search asks of a verifier: among sibling candidates, does the right one score higher?
   */
  public static double withinGroups(double[] scores, boolean[] labels, Object[] groups) {
    if (scores.length != labels.length || scores.length != groups.length) {
      throw new IllegalArgumentException("scores, labels and groups differ in length");
    }
    var byGroup = new java.util.LinkedHashMap<Object, java.util.List<Integer>>();
    for (int i = 0; i < scores.length; i++) byGroup.computeIfAbsent(groups[i], k -> new java.util.ArrayList<>()).add(i);
    double wins = 0;
    long pairs = 0;
    for (var members : byGroup.values()) {
      for (int i : members) {
        if (!labels[i]) continue;
        for (int j : members) {
          if (labels[j]) continue;
          pairs++;
          wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
      }
    }
    return pairs == 0 ? Double.NaN : wins / pairs;
  }

  /** {@return the number of positive-negative pairs that share a group} */
  public static long pairsWithinGroups(boolean[] labels, Object[] groups) {
    var pos = new java.util.HashMap<Object, Long>();
    var neg = new java.util.HashMap<Object, Long>();
    for (int i = 0; i < labels.length; i++) (labels[i] ? pos : neg).merge(groups[i], 1L, Long::sum);
    long n = 0;
    for (var e : pos.entrySet()) n += e.getValue() * neg.getOrDefault(e.getKey(), 0L);
    return n;
  }
}
