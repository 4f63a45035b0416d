package dev.bursar.bench.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.bench.AtomicFiles;
import dev.bursar.bench.SvgPlot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the live benchmark's {@code summary.json} (the replay shape plus {@code bucket}), report and plot. */
final class LiveReport {
  private LiveReport() {}

  static void write(List<LiveBenchmark.Cell> cells, Map<String, List<Integer>> qidsByBucket,
      String model, String header, Path dir) throws IOException {
    AtomicFiles.write(dir.resolve("summary.json"), summary(cells, qidsByBucket, model));
    AtomicFiles.write(dir.resolve("report.md"), markdown(cells, header));
    AtomicFiles.write(dir.resolve("accuracy_vs_tokens.svg"), plot(cells, model));
  }

  private static Map<String, List<LiveBenchmark.Cell>> byBucket(List<LiveBenchmark.Cell> cells) {
    Map<String, List<LiveBenchmark.Cell>> m = new LinkedHashMap<>();
    for (var c : cells) m.computeIfAbsent(c.bucket(), k -> new ArrayList<>()).add(c);
    return m;
  }

  static String summary(List<LiveBenchmark.Cell> cells, Map<String, List<Integer>> qidsByBucket, String model)
      throws IOException {
    var json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("benchmark", "live");
    root.put("model", model);
    ArrayNode pools = root.putArray("pools");
    for (var e : byBucket(cells).entrySet()) {
      ObjectNode p = pools.addObject();
      p.put("pool", "embedded-arithmetic/" + e.getKey());
      p.put("bucket", e.getKey());
      p.put("max_samples", 16);
      p.put("test_questions", e.getValue().getFirst().questions());
      ArrayNode q = p.putArray("test_qids");
      qidsByBucket.getOrDefault(e.getKey(), List.of()).forEach(q::add);
      ArrayNode ms = p.putArray("methods");
      for (var c : e.getValue()) {
        ObjectNode o = ms.addObject();
        o.put("name", c.method());
        o.put("family", c.family());
        if (c.param() == null) o.putNull("param"); else o.put("param", c.param());
        o.put("accuracy", c.accuracy());
        o.put("tokens", c.tokens());
        o.put("samples", c.samples());
        ObjectNode ex = o.putObject("exits");
        c.exits().forEach(ex::put);
      }
    }
    return json.writeValueAsString(root) + "\n";
  }

  static String markdown(List<LiveBenchmark.Cell> cells, String header) {
    var sb = new StringBuilder(header);
    var grouped = byBucket(cells);
    List<String> buckets = new ArrayList<>(grouped.keySet());
    List<String> methods = grouped.values().iterator().next().stream().map(LiveBenchmark.Cell::method).toList();
    sb.append("\n## Accuracy (%) / mean output tokens per problem, by difficulty bucket\n\n| method |");
    for (String b : buckets) sb.append(' ').append(b).append(" |");
    sb.append("\n|---|");
    sb.append("---|".repeat(buckets.size())).append('\n');
    for (String m : methods) {
      sb.append("| ").append(m).append(" |");
      for (String b : buckets) {
        var c = grouped.get(b).stream().filter(x -> x.method().equals(m)).findFirst().orElseThrow();
        sb.append(String.format(Locale.ROOT, " %.1f / %.0f |", 100 * c.accuracy(), c.tokens()));
      }
      sb.append('\n');
    }
    if (cells.stream().anyMatch(c -> c.family().equals("bursar"))) {
      sb.append("\n## bursar's fitted policy against SC@16, Adaptive-Consistency and greedy\n\n");
      sb.append("Fitted on SC@16 samples of separate training problems by the tuner (the same code as `bursar tune`); "
          + "goal: SC@16's accuracy for at most 25% of its tokens.\n\n");
      sb.append("| bucket | bursar acc / tokens | SC@16 acc / tokens | AC-Beta acc / tokens | greedy acc / tokens | bursar tokens / SC@16 | accuracy vs SC@16 (pts) |\n");
      sb.append("|---|---|---|---|---|---|---|\n");
      for (String b : buckets) {
        var row = grouped.get(b);
        var bursar = row.stream().filter(c -> c.family().equals("bursar")).findFirst();
        var sc16 = row.stream().filter(c -> c.family().equals("sc") && c.param() != null && c.param().intValue() == 16).findFirst();
        var ac = row.stream().filter(c -> c.family().equals("ac-beta")).findFirst();
        var greedy = row.stream().filter(c -> c.family().equals("fast")).findFirst();
        if (bursar.isEmpty() || sc16.isEmpty()) continue;
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2f | %+.1f |%n", b, cell(bursar), cell(sc16), cell(ac), cell(greedy),
            bursar.get().tokens() / sc16.get().tokens(), 100 * (bursar.get().accuracy() - sc16.get().accuracy())));
      }
    }
    sb.append("\n## Exits (all buckets)\n\n| method | samples / problem | exits |\n|---|---|---|\n");
    for (var c : grouped.get("all")) {
      sb.append(String.format(Locale.ROOT, "| %s | %.2f | %s |%n", c.method(), c.samples(), c.exits()));
    }
    return sb.toString();
  }

  private static String cell(java.util.Optional<LiveBenchmark.Cell> c) {
    return c.map(x -> String.format(Locale.ROOT, "%.1f%% / %.0f", 100 * x.accuracy(), x.tokens())).orElse("-");
  }

  static String plot(List<LiveBenchmark.Cell> cells, String model) {
    List<SvgPlot.Panel> panels = new ArrayList<>();
    for (var e : byBucket(cells).entrySet()) {
      Map<String, List<double[]>> pts = new LinkedHashMap<>();
      Map<String, List<String>> labels = new LinkedHashMap<>();
      for (var c : e.getValue()) {
        String series = seriesOf(c.family());
        pts.computeIfAbsent(series, k -> new ArrayList<>()).add(new double[] {c.tokens(), 100 * c.accuracy()});
        labels.computeIfAbsent(series, k -> new ArrayList<>()).add(c.family().equals("sc") ? "@" + c.param().intValue() : "");
      }
      List<SvgPlot.Series> series = new ArrayList<>();
      for (String s : pts.keySet()) series.add(new SvgPlot.Series(s, pts.get(s), labels.get(s), s.startsWith("SC@k")));
      panels.add(new SvgPlot.Panel("bucket: " + e.getKey(), series));
    }
    return SvgPlot.render("Embedded model (" + model + "): accuracy against mean output tokens per problem",
        "tokens per problem (log scale)", "accuracy %", panels);
  }

  private static String seriesOf(String family) {
    return switch (family) {
      case "fast" -> "FAST (greedy)";
      case "sc" -> "SC@k";
      case "ac-beta" -> "SC + Adaptive-Consistency";
      case "deepconf" -> "SC + DeepConf pruning";
      case "deep-search-confidence" -> "DEEP_SEARCH, step confidence";
      case "deep-search-prm", "dvts-prm" -> "DEEP_SEARCH / DVTS, PRM probe";
      case "fast-probe" -> "FAST + probe convergence";
      case "bursar" -> "bursar compute-optimal (fitted)";
      case "bursar-threshold" -> "bursar threshold baseline (fitted)";
      case "bursar-prefill-probe" -> "bursar compute-optimal + prefill probe (fitted)";
      default -> "FAST under a tight budget (forcing / none)";
    };
  }
}
