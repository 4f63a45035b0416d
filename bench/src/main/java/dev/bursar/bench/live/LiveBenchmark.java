package dev.bursar.bench.live;

import dev.bursar.arithmetic.Bucket;
import dev.bursar.arithmetic.Problem;
import dev.bursar.backends.djl.train.Evaluator;
import dev.bursar.controller.Backend;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.ExitReason;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Request;
import dev.bursar.policies.ComputeOptimalPolicy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every {@link LiveMethod} through the {@link ComputeController} on the embedded model over a
 * fixed seeded problem set, scoring each answer with the task's exact checker.
 */
final class LiveBenchmark {
  private LiveBenchmark() {}

  /** Per-problem result of one method. */
  record Row(Bucket bucket, boolean correct, long tokens, int samples, String outcome, List<ExitReason> exits) {}

  /** Aggregated over one bucket (or all). */
  record Cell(String method, String family, Double param, String bucket, int questions, double accuracy, double tokens,
      double samples, Map<String, Integer> exits) {}

  /** @param temperature what a policy that fitted none samples at: the fixed plans' (its fitting pool's) */
  static Map<LiveMethod, List<Row>> run(Backend backend, List<Problem> problems, List<LiveMethod> methods, double temperature, PrintStream progress) {
    Map<LiveMethod, List<Row>> out = new LinkedHashMap<>();
    for (LiveMethod m : methods) {
      var b = ComputeController.builder().backend(backend).budget(m.budget());
      if (m.policy() == null) {
        b.plan(m.plan());
      } else {
        b.policy(m.policy()).fallback(m.plan()).decisionTimeout(java.time.Duration.ofSeconds(10));
        if (m.estimator() != null) b.estimator(m.estimator());
      }
      var controller = b.build();
      List<Row> rows = new ArrayList<>();
      long start = System.nanoTime();
      int right = 0;
      for (int i = 0; i < problems.size(); i++) {
        Problem p = problems.get(i);
        // Each problem gets its own sampling seed, as a client's seed hint (the model card's); a policy's
        // samples get the temperature the fixed plans sample at (and its fitting pool was drawn at), unless
        // its fit chose one.
        var hints = Request.Hints.NONE.withSeed(Evaluator.samplingSeed(p));
        boolean ownTemperature = m.policy() instanceof ComputeOptimalPolicy c && c.temperature() != null;
        if (m.policy() != null && !ownTemperature) hints = hints.withTemperature(temperature);
        Outcome o = controller.run(Request.of(p.prompt()).withHints(hints));
        boolean ok = Evaluator.correct(o, p);
        if (ok) right++;
        String kind = switch (o) {
          case Outcome.Answered a -> "answered";
          case Outcome.Abstained a -> "abstained";
          case Outcome.Failed f -> "failed: " + f.error();
        };
        rows.add(new Row(p.bucket(), ok, o.spend().outputTokens(), o.spend().samples(), kind, o.exits()));
        if ((i + 1) % 50 == 0 || i + 1 == problems.size()) {
          double secs = (System.nanoTime() - start) / 1e9;
          progress.printf("  %-46s %4d/%d problems  acc %.3f  %.1f s  eta %.0f s%n", m.name(), i + 1, problems.size(),
              (double) right / (i + 1), secs, secs / (i + 1) * (problems.size() - i - 1));
        }
      }
      out.put(m, rows);
    }
    return out;
  }

  static List<Cell> aggregate(Map<LiveMethod, List<Row>> results, List<String> buckets) {
    List<Cell> cells = new ArrayList<>();
    for (String b : buckets) {
      for (var e : results.entrySet()) {
        List<Row> rows = e.getValue().stream().filter(r -> b.equals("all") || r.bucket().label().equals(b)).toList();
        if (rows.isEmpty()) continue;
        Map<String, Integer> exits = new LinkedHashMap<>();
        for (Row r : rows) {
          for (ExitReason x : r.exits()) {
            if (x instanceof ExitReason.Pruned p) exits.merge("pruned-traces", p.traces(), Integer::sum);
            else exits.merge(x.label(), 1, Integer::sum);
          }
          if (!r.outcome().equals("answered")) exits.merge(r.outcome().startsWith("failed") ? "failed" : r.outcome(), 1, Integer::sum);
        }
        LiveMethod m = e.getKey();
        cells.add(new Cell(m.name(), m.family(), m.param(), b, rows.size(),
            rows.stream().filter(Row::correct).count() / (double) rows.size(),
            rows.stream().mapToLong(Row::tokens).average().orElse(0),
            rows.stream().mapToInt(Row::samples).average().orElse(0), exits));
      }
    }
    return cells;
  }
}
