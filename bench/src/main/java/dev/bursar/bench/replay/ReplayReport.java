package dev.bursar.bench.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.bench.AtomicFiles;
import dev.bursar.bench.SvgPlot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes {@code summary.json}, {@code report.md} and {@code accuracy_vs_tokens.svg} for a replay run. */
public final class ReplayReport {
  private ReplayReport() {}

  /** Writes the three files into {@code dir}; each one atomically, so a crash leaves no half-written file. */
  public static void write(ReplayResults results, Path dir, String command) throws IOException {
    AtomicFiles.write(dir.resolve("summary.json"), summaryJson(results));
    AtomicFiles.write(dir.resolve("report.md"), markdown(results, command));
    AtomicFiles.write(dir.resolve("accuracy_vs_tokens.svg"), plot(results));
  }

  static String summaryJson(ReplayResults r) throws IOException {
    var json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("benchmark", "replay");
    root.put("order", r.order());
    root.put("seeds", r.seeds());
    root.put("split_seed", r.splitSeed());
    ArrayNode pools = root.putArray("pools");
    for (var p : r.pools()) {
      ObjectNode n = pools.addObject();
      n.put("pool", p.pool());
      n.put("model", p.model());
      n.put("task", p.task());
      n.put("length_only", p.lengthOnly());
      n.put("max_samples", p.maxSamples());
      n.put("test_questions", p.testQids().size());
      ArrayNode q = n.putArray("test_qids");
      p.testQids().forEach(q::add);
      n.put("extractor_agreement", p.extractorAgreement());
      ArrayNode ms = n.putArray("methods");
      for (var m : p.methods()) {
        ObjectNode o = ms.addObject();
        o.put("name", m.name());
        o.put("family", m.family());
        if (m.param() == null) o.putNull("param"); else o.put("param", m.param());
        o.put("accuracy", m.accuracy());
        o.put("tokens", m.tokens());
        o.put("samples", m.samples());
        o.put("accuracy_ci95", m.accuracyCi95());
        o.put("tokens_ci95", m.tokensCi95());
        o.put("samples_ci95", m.samplesCi95());
      }
    }
    return json.writeValueAsString(root) + "\n";
  }

  static String markdown(ReplayResults r, String command) {
    var sb = new StringBuilder();
    sb.append("# Replay benchmark\n\n");
    sb.append("`").append(command).append("`\n\n");
    sb.append(String.format(Locale.ROOT,
        "Order: **%s**%s. Split seed %d: every number is measured on the test half of each pool "
            + "(questions whose seeded hash of the id is odd); the tune half is left for fitting.%n%n",
        r.order(), r.order().equals("random") ? " (" + r.seeds() + " seeded permutations, ± is the 95% interval over seeds)" : " (the recorded order: deterministic)",
        r.splitSeed()));
    sb.append("Accuracy: votes are the pool's own answers, normalised as in the pools' README; a tie "
        + "scores the expected accuracy of a uniform tie-break; a question without a vote scores 0. "
        + "Tokens: mean output tokens per question. Samples: mean samples per question. "
        + "The oracle stops at the fewest samples after which the running majority equals the all-sample "
        + "majority for good: it needs the future and is an unreachable bound.\n\n");
    sb.append("![accuracy against tokens](accuracy_vs_tokens.svg)\n\n");
    for (var p : r.pools()) {
      sb.append("## ").append(p.pool()).append("\n\n");
      sb.append(String.format(Locale.ROOT, "%s on %s, %d samples per question, %d test questions.",
          p.model(), p.task(), p.maxSamples(), p.testQids().size()));
      if (p.extractorAgreement() != null) {
        sb.append(String.format(Locale.ROOT,
            " bursar's answer extraction from the raw text agrees with the pool's answer on %.1f%% of samples.",
            100 * p.extractorAgreement()));
      }
      sb.append("\n\n");
      if (p.lengthOnly()) {
        sb.append("Length-only pool: no answers, so no vote and no stopping rule can run on it.\n\n");
        continue;
      }
      var full = p.methods().stream().filter(m -> m.family().equals("sc") && m.param() != null
          && m.param().intValue() == p.maxSamples()).findFirst().orElseThrow();
      sb.append("| method | accuracy | tokens / question | samples / question | tokens vs SC@").append(p.maxSamples()).append(" |\n");
      sb.append("|---|---|---|---|---|\n");
      for (var m : p.methods()) {
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.3f |%n", m.name(),
            pm(100 * m.accuracy(), 100 * m.accuracyCi95(), 1), pm(m.tokens(), m.tokensCi95(), 1),
            pm(m.samples(), m.samplesCi95(), 2), m.tokens() / full.tokens()));
      }
      sb.append("\n");
    }
    return sb.toString();
  }

  private static String pm(double v, double ci, int decimals) {
    String f = "%." + decimals + "f";
    return ci == 0 ? String.format(Locale.ROOT, f, v) : String.format(Locale.ROOT, f + " ± " + f, v, ci);
  }

  static String plot(ReplayResults r) {
    List<SvgPlot.Panel> panels = new ArrayList<>();
    for (var p : r.pools()) {
      if (p.lengthOnly()) continue;
      List<SvgPlot.Series> series = new ArrayList<>();
      for (String family : List.of("sc", "ac-beta", "ac-dirichlet", "esc", "bursar", "oracle")) {
        List<double[]> pts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (var m : p.methods()) {
          if (!m.family().equals(family)) continue;
          pts.add(new double[] {m.tokens(), 100 * m.accuracy()});
          labels.add(m.param() == null ? "" : family.equals("sc") || family.equals("esc")
              ? String.valueOf(m.param().intValue()) : String.valueOf(m.param()));
        }
        if (!pts.isEmpty()) series.add(new SvgPlot.Series(label(family), pts, labels, family.equals("sc")));
      }
      panels.add(new SvgPlot.Panel(p.pool() + " (" + p.model() + ")", series));
    }
    return SvgPlot.render("Accuracy against mean output tokens per question (test half, " + r.order() + " order)",
        "tokens per question (log scale)", "accuracy %", panels);
  }

  private static String label(String family) {
    return switch (family) {
      case "sc" -> "SC@k (k labelled)";
      case "ac-beta" -> "Adaptive-Consistency Beta";
      case "ac-dirichlet" -> "Adaptive-Consistency Dirichlet";
      case "esc" -> "ESC (window labelled)";
      case "oracle" -> "oracle (unreachable bound)";
      default -> family;
    };
  }
}
