package dev.bursar.controller;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The answers drawn so far for one question, in draw order, with their vote counts and weights.
 *
 * <p>Tie rule: when several answers share the highest count, {@link #leader()} returns the one that
 * appeared first (the convention of the pools' oracle); {@link #leaders()} returns all of them, so
 * a benchmark can score a tie as the expected accuracy of a uniform tie-break. Null keys (no
 * answer) are counted as samples but never vote. Not thread-safe.
 */
public final class Tally {
  private final List<@Nullable String> history = new ArrayList<>();
  private int[] outputTokens = new int[8];
  private double[] meanLogprobs = new double[8];
  private double[] sampleScores = new double[8];
  private long totalOutputTokens;
  // Insertion order = first appearance, which the tie rule relies on.
  private final Map<String, int[]> counts = new LinkedHashMap<>();
  private final Map<String, double[]> weights = new LinkedHashMap<>();

  /** Adds one sample's vote key (null: the sample has no answer) with weight 1. */
  public void add(@Nullable String key) {
    add(key, 1.0);
  }

  /** Adds one sample's vote key with a weight (a confidence or a verifier score). */
  public void add(@Nullable String key, double weight) {
    add(key, weight, 0);
  }

  /**
   * Adds one sample's vote key with a weight and the output tokens it cost, which learned
   * stopping rules read (a sample much longer than its peers is more often wrong).
   */
  public void add(@Nullable String key, double weight, int tokens) {
    add(key, weight, tokens, Double.NaN);
  }

  /**
   * Adds one sample's vote key, weight, output tokens and the mean log-probability of its tokens
   * (NaN when the backend gives none), which learned stopping rules read as the model's own
   * confidence in the sample.
   */
  public void add(@Nullable String key, double weight, int tokens, double meanLogprob) {
    add(key, weight, tokens, meanLogprob, Double.NaN);
  }

  /**
   * Adds one sample as {@link #add(String, double, int, double)} does, with a score of the sample's
   * own text (a learned reader's P(the sample is right), NaN when there is none), which learned
   * stopping rules read beside the vote.
   */
  public void add(@Nullable String key, double weight, int tokens, double meanLogprob, double sampleScore) {
    if (history.size() == outputTokens.length) {
      outputTokens = java.util.Arrays.copyOf(outputTokens, 2 * outputTokens.length);
      meanLogprobs = java.util.Arrays.copyOf(meanLogprobs, 2 * meanLogprobs.length);
      sampleScores = java.util.Arrays.copyOf(sampleScores, 2 * sampleScores.length);
    }
    outputTokens[history.size()] = tokens;
    meanLogprobs[history.size()] = meanLogprob;
    sampleScores[history.size()] = sampleScore;
    totalOutputTokens += tokens;
    history.add(key);
    if (key == null) return;
    counts.computeIfAbsent(key, k -> new int[1])[0]++;
    weights.computeIfAbsent(key, k -> new double[1])[0] += weight;
  }

  /** {@return the number of samples added, voting or not} */
  public int samples() {
    return history.size();
  }

  /** {@return the mean log-probability of sample {@code i}'s tokens (NaN when unknown)} */
  public double meanLogprob(int i) {
    java.util.Objects.checkIndex(i, history.size());
    return meanLogprobs[i];
  }

  /** {@return the score of sample {@code i}'s text (NaN when unknown)} */
  public double sampleScore(int i) {
    java.util.Objects.checkIndex(i, history.size());
    return sampleScores[i];
  }

  /** {@return the output tokens of sample {@code i} (0 when its caller did not say)} */
  public int outputTokens(int i) {
    java.util.Objects.checkIndex(i, history.size());
    return outputTokens[i];
  }

  /** {@return the output tokens of every sample added} */
  public long totalOutputTokens() {
    return totalOutputTokens;
  }

  /** {@return the number of samples that voted} */
  public int votes() {
    int v = 0;
    for (int[] c : counts.values()) v += c[0];
    return v;
  }

  /** {@return the vote keys in draw order, null where a sample had no answer} */
  public List<@Nullable String> history() {
    return Collections.unmodifiableList(history);
  }

  /** {@return the number of votes for {@code key}} */
  public int count(String key) {
    int[] c = counts.get(key);
    return c == null ? 0 : c[0];
  }

  /** {@return counts sorted descending; equal counts keep first-appearance order} */
  public int[] sortedCounts() {
    return counts.values().stream().mapToInt(c -> c[0]).boxed()
        .sorted(Collections.reverseOrder()).mapToInt(Integer::intValue).toArray();
  }

  /** {@return the number of distinct answers} */
  public int distinct() {
    return counts.size();
  }

  /** {@return the majority answer, ties broken by first appearance; null when nobody voted} */
  public @Nullable String leader() {
    String best = null;
    int bestCount = 0;
    for (var e : counts.entrySet()) {
      if (e.getValue()[0] > bestCount) {
        best = e.getKey();
        bestCount = e.getValue()[0];
      }
    }
    return best;
  }

  /** {@return every answer that shares the highest count, in first-appearance order} */
  public List<String> leaders() {
    int top = 0;
    for (int[] c : counts.values()) top = Math.max(top, c[0]);
    List<String> out = new ArrayList<>();
    for (var e : counts.entrySet()) if (e.getValue()[0] == top && top > 0) out.add(e.getKey());
    return out;
  }

  /** {@return the answer with the largest summed weight, ties by first appearance; null when nobody voted} */
  public @Nullable String weightedLeader() {
    String best = null;
    double bestWeight = Double.NEGATIVE_INFINITY;
    for (var e : weights.entrySet()) {
      if (e.getValue()[0] > bestWeight) {
        best = e.getKey();
        bestWeight = e.getValue()[0];
      }
    }
    return best;
  }

  /**
   * {@return the answer whose samples' text scores ({@link #sampleScore}) sum highest: a vote weighted by
   * a reader's P(each sample is right), so that one well-argued answer can outweigh two poorly argued
   * ones; ties by count, then by first appearance} The plain {@link #leader()} when a voting sample has
   * no score; null when nobody voted.
   */
  public @Nullable String scoreLeader() {
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (int i = 0; i < history.size(); i++) {
      String key = history.get(i);
      if (key == null) continue;
      if (Double.isNaN(sampleScores[i])) return leader();
      sums.computeIfAbsent(key, k -> new double[1])[0] += sampleScores[i];
    }
    String best = null;
    double bestSum = Double.NEGATIVE_INFINITY;
    for (var e : sums.entrySet()) {
      double sum = e.getValue()[0];
      if (best == null || sum > bestSum + 1e-12 || (sum > bestSum - 1e-12 && count(e.getKey()) > count(best))) {
        best = e.getKey();
        bestSum = sum;
      }
    }
    return best;
  }

  /** {@return the mean text score of the samples that voted for {@code key} (NaN when none has a score)} */
  public double meanScore(String key) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < history.size(); i++) {
      if (!key.equals(history.get(i)) || Double.isNaN(sampleScores[i])) continue;
      sum += sampleScores[i];
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** {@return the leader's share of the votes (0 when nobody voted)} */
  public double leaderShare() {
    int v = votes();
    String l = leader();
    return v == 0 || l == null ? 0 : (double) count(l) / v;
  }

  /** {@return the leader's share of the summed weight (0 when nobody voted or weights sum to 0)} */
  public double weightedLeaderShare() {
    double total = 0;
    for (double[] w : weights.values()) total += w[0];
    String l = weightedLeader();
    return l == null || total <= 0 ? 0 : weights.get(l)[0] / total;
  }
}
