package dev.bursar.bench.report;

import dev.bursar.controller.Answers;
import dev.bursar.trace.TraceRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a stretch of traffic cost and saved, from the sidecar's trace records: per mode, requests,
 * tokens and cost; against a baseline plan of {@code baselineSamples} samples per request (each
 * request's own mean sample length times the baseline's samples, the prompt re-sent per sample);
 * accuracy where feedback attached a gold answer.
 *
 * @param priceInput price per million input tokens
 * @param priceOutput price per million output tokens
 */
record TrafficReport(List<ModeRow> modes, Totals totals, int baselineSamples, double priceInput, double priceOutput,
    List<double[]> cumulative) {

  /** One mode's share of the traffic. */
  record ModeRow(String mode, int requests, long inputTokens, long outputTokens, double meanSamples, double cost,
      int judged, int right, Map<String, Integer> exits) {}

  /** All of it, with the baseline's counterfactual. */
  record Totals(int requests, long inputTokens, long outputTokens, double cost, long baselineInputTokens,
      long baselineOutputTokens, double baselineCost, int judged, int right, int unusable) {
    double savedFraction() {
      return baselineCost <= 0 ? 0 : 1 - cost / baselineCost;
    }
  }

  static TrafficReport of(List<TraceRecord> records, int baselineSamples, double priceInput, double priceOutput) {
    Map<String, long[]> byMode = new TreeMap<>(); // requests, in, out, samples, judged, right
    Map<String, Map<String, Integer>> exits = new TreeMap<>();
    long in = 0, out = 0, bIn = 0, bOut = 0;
    int judged = 0, right = 0, unusable = 0, n = 0;
    List<double[]> cumulative = new ArrayList<>(); // request index, actual output tokens, baseline output tokens
    for (TraceRecord r : records) {
      if (r.outcome() == null) {
        unusable++;
        continue;
      }
      n++;
      var o = r.outcome();
      long[] m = byMode.computeIfAbsent(o.mode(), k -> new long[6]);
      m[0]++;
      m[1] += o.inputTokens();
      m[2] += o.outputTokens();
      m[3] += r.samples().size();
      for (String e : o.exits()) exits.computeIfAbsent(o.mode(), k -> new TreeMap<>()).merge(e, 1, Integer::sum);
      in += o.inputTokens();
      out += o.outputTokens();
      int samples = Math.max(1, r.samples().size());
      double meanSample = r.samples().isEmpty() ? o.outputTokens() : (double) o.outputTokens() / samples;
      long promptTokens = r.samples().isEmpty() ? o.inputTokens() : Math.max(1, o.inputTokens() / samples);
      bOut += Math.round(meanSample * baselineSamples);
      bIn += promptTokens * baselineSamples;
      cumulative.add(new double[] {n, out, bOut});
      String gold = Answers.normalize(r.gold());
      String given = Answers.normalize(o.answer());
      // Feedback said "wrong" without the right answer: the samples of the answer given are marked wrong.
      boolean markedWrong = gold == null && given != null && r.samples().stream()
          .anyMatch(s -> Boolean.FALSE.equals(s.correct()) && given.equals(Answers.normalize(s.answer())));
      if (gold != null || markedWrong) {
        judged++;
        m[4]++;
        if (gold != null && gold.equals(given)) {
          right++;
          m[5]++;
        }
      }
    }
    List<ModeRow> rows = new ArrayList<>();
    for (var e : byMode.entrySet()) {
      long[] m = e.getValue();
      rows.add(new ModeRow(e.getKey(), (int) m[0], m[1], m[2], (double) m[3] / m[0], cost(m[1], m[2], priceInput, priceOutput),
          (int) m[4], (int) m[5], exits.getOrDefault(e.getKey(), Map.of())));
    }
    var totals = new Totals(n, in, out, cost(in, out, priceInput, priceOutput), bIn, bOut, cost(bIn, bOut, priceInput, priceOutput),
        judged, right, unusable);
    return new TrafficReport(rows, totals, baselineSamples, priceInput, priceOutput, cumulative);
  }

  private static double cost(long in, long out, double priceInput, double priceOutput) {
    return in / 1e6 * priceInput + out / 1e6 * priceOutput;
  }

  String markdown(String command) {
    var sb = new StringBuilder("# What the traffic cost and saved\n\n`").append(command).append("`\n\n");
    var t = totals;
    sb.append(String.format(Locale.ROOT, "%d requests (%d records without an outcome left out). Prices: %.4g per million input "
        + "tokens, %.4g per million output tokens.%n%n", t.requests(), t.unusable(), priceInput, priceOutput));
    sb.append("| mode | requests | input tokens | output tokens | samples / request | cost | accuracy (judged) | exits |\n");
    sb.append("|---|---|---|---|---|---|---|---|\n");
    for (ModeRow m : modes) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.2f | %.4f | %s | %s |%n", m.mode(), m.requests(), m.inputTokens(),
          m.outputTokens(), m.meanSamples(), m.cost(), m.judged() == 0 ? "-" : String.format(Locale.ROOT, "%.1f%% (%d)",
              100.0 * m.right() / m.judged(), m.judged()), m.exits()));
    }
    sb.append(String.format(Locale.ROOT, "| **all** | %d | %d | %d | | %.4f | %s | |%n%n", t.requests(), t.inputTokens(), t.outputTokens(),
        t.cost(), t.judged() == 0 ? "-" : String.format(Locale.ROOT, "%.1f%% (%d)", 100.0 * t.right() / t.judged(), t.judged())));
    sb.append(String.format(Locale.ROOT, "Against a baseline of self-consistency over %d samples on every request (each request's own "
        + "mean sample length, the prompt re-sent per sample): %d input and %d output tokens, cost %.4f. bursar spent %.1f%% "
        + "less (%.4f saved).%n%n", baselineSamples, t.baselineInputTokens(), t.baselineOutputTokens(), t.baselineCost(),
        100 * t.savedFraction(), t.baselineCost() - t.cost()));
    if (t.judged() == 0) sb.append("No request has feedback yet (`POST /v1/bursar/feedback`), so accuracy is not known.\n\n");
    sb.append("![cumulative output tokens](report.svg)\n");
    return sb.toString();
  }

  Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("requests", totals.requests());
    root.put("input_tokens", totals.inputTokens());
    root.put("output_tokens", totals.outputTokens());
    root.put("cost", totals.cost());
    root.put("baseline_samples", baselineSamples);
    root.put("baseline_input_tokens", totals.baselineInputTokens());
    root.put("baseline_output_tokens", totals.baselineOutputTokens());
    root.put("baseline_cost", totals.baselineCost());
    root.put("saved_fraction", totals.savedFraction());
    root.put("judged", totals.judged());
    root.put("right", totals.right());
    List<Map<String, Object>> modeList = new ArrayList<>();
    for (ModeRow m : modes) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("mode", m.mode());
      row.put("requests", m.requests());
      row.put("input_tokens", m.inputTokens());
      row.put("output_tokens", m.outputTokens());
      row.put("mean_samples", m.meanSamples());
      row.put("cost", m.cost());
      row.put("judged", m.judged());
      row.put("right", m.right());
      row.put("exits", m.exits());
      modeList.add(row);
    }
    root.put("modes", modeList);
    return root;
  }
}
