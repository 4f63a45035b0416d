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
import org.jspecify.annotations.Nullable;

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
        if (m.chosen()) o.put("chosen", true);
      }
      Comparison.of(p).ifPresent(c -> {
        ObjectNode cn = n.putObject("comparison");
        cn.put("target_accuracy", c.target());
        cn.put("sc_at_cap_accuracy", c.scAtCap().accuracy());
        cn.put("best_baseline", c.bestBaseline().name()).put("best_baseline_tokens", c.bestBaseline().tokens());
        if (c.bestBursar() == null) cn.putNull("best_bursar"); else cn.put("best_bursar", c.bestBursar().name()).put("best_bursar_tokens", c.bestBursar().tokens());
        cn.put("oracle_tokens", c.oracle().tokens());
        cn.put("ratio_to_best_baseline", c.ratioToBaseline());
        cn.put("ratio_to_oracle", c.ratioToOracle());
        cn.put("meets_goal", c.meetsGoal());
        ObjectNode fn = cn.putObject("frontier");
        fn.put("bursar_points_compared", c.frontier().compared()).put("on_or_above", c.frontier().onOrAbove())
            .put("largest_shortfall_points", 100 * c.frontier().worstGap());
        if (c.frontier().worst() != null) fn.put("largest_shortfall_at", c.frontier().worst().name());
        cn.put("goal_tokens", c.goalTokens());
        putPoint(cn, "bursar_told_p_right", c.toldPRight(), c);
        putPoint(cn, "bayes_stop", c.bayesStop(), c);
        cn.put("bursar_to_bayes_stop", c.ratioToBayesStop());
        if (c.chosen() != null) {
          cn.put("chosen_accuracy", c.chosen().accuracy()).put("chosen_tokens", c.chosen().tokens())
              .put("chosen_minus_sc_at_cap_points", 100 * (c.chosen().accuracy() - c.scAtCap().accuracy()));
        }
      });
      if (p.tuning() != null) n.set("tuning", tuningJson(json, p.tuning()));
      if (p.prior() != null) {
        n.putObject("p_right_log_loss_per_test_sample").put("constant_tune_rate", p.prior().constant())
            .put("bursar_estimator", p.prior().estimator()).put("told_hindsight", p.prior().told());
      }
    }
    return json.writeValueAsString(root) + "\n";
  }

  private static void putPoint(ObjectNode cn, String key, ReplayResults.@Nullable MethodResult point, Comparison c) {
    if (point == null) {
      cn.putNull(key);
      return;
    }
    cn.putObject(key).put("name", point.name()).put("tokens", point.tokens()).put("accuracy", point.accuracy())
        .put("ratio_to_best_baseline", c.ratioToBaseline(point));
  }

  private static ObjectNode tuningJson(ObjectMapper json, dev.bursar.tuner.Tuner.Result t) {
    ObjectNode n = json.createObjectNode();
    n.put("questions", t.questions());
    n.put("measured_by", "3-fold cross-validation by question on the tune half");
    n.put("chosen_lambda", t.chosen().param());
    n.put("chosen_with_bayesian_stop", t.chosen().answerPrior());
    n.put("answers_by_reader_score", t.policy().answersByScore());
    n.put("cv_chosen_accuracy", t.chosen().accuracy()).put("cv_chosen_tokens", t.chosen().tokens());
    n.put("cv_sc_at_cap_accuracy", t.scAtCap().accuracy()).put("cv_sc_at_cap_tokens", t.scAtCap().tokens());
    n.put("threshold_chosen", t.thresholdChosen().param());
    ArrayNode f = n.putArray("cv_frontier");
    for (var pt : t.frontier()) f.addObject().put("lambda", pt.param()).put("accuracy", pt.accuracy()).put("tokens", pt.tokens()).put("samples", pt.samples());
    var c = t.calibration();
    ObjectNode cal = n.putObject("calibration");
    cal.put("brier", c.brier()).put("brier_vote_share", c.brierVoteShare()).put("brier_reader", c.brierReader()).put("states", c.states());
    // What the fitted policy reports as its confidence: whichever of the three scored the lowest Brier.
    cal.put("policy_reports", t.policy().reportsVoteShare() ? "vote_share" : t.policy().reportsReader() ? "reader" : "model");
    ArrayNode bins = cal.putArray("reliability");
    for (int b = 0; b < c.binCount().length; b++) {
      if (c.binCount()[b] > 0) bins.addObject().put("confidence", c.binConfidence()[b]).put("accuracy", c.binAccuracy()[b]).put("count", c.binCount()[b]);
    }
    n.putObject("length").put("fitted_loglik_per_sample", t.length().fittedLogLik())
        .put("constant_gamma_loglik_per_sample", t.length().constantLogLik()).put("samples", t.length().samples());
    n.putObject("prior").put("fitted_logloss_per_sample", t.prior().fittedLogLoss())
        .put("training_rate_logloss_per_sample", t.prior().constantLogLoss()).put("samples", t.prior().samples());
    n.putObject("sample_text").put("reader_logloss_per_sample", t.text().readerLogLoss())
        .put("training_rate_logloss_per_sample", t.text().constantLogLoss()).put("folds_with_reader", t.text().foldsWithReader())
        .put("folds", t.text().folds());
    return n;
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
        + "scores the expected accuracy of a uniform tie-break; a question without a vote scores 0; a bursar policy that answers "
        + "by its reader's scores (stopModel.scoreVote) scores its own answer where that is none of the count's leaders. "
        + "Tokens: mean output tokens per question. Samples: mean samples per question. "
        + "The oracle stops at the fewest samples after which the running majority equals the all-sample "
        + "majority for good: it needs the future and is an unreachable bound.\n\n");
    sb.append("![accuracy against tokens](accuracy_vs_tokens.svg)\n\n");
    sb.append("## bursar against the best baseline\n\n");
    sb.append("Target: SC at the cap minus 0.5 points. Cheapest point reaching it, in mean output tokens per question; "
        + "the goal is at most 0.5x the cheapest baseline (any setting of SC, Adaptive-Consistency or ESC), or 1.2x the oracle "
        + "where that is more. bursar is fitted on the tune half only.\n\n");
    sb.append("| pool | SC@cap | target | cheapest baseline | tokens | cheapest bursar | tokens | ratio | oracle tokens | goal | chosen point (acc, tokens) |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (var p : r.pools()) {
      Comparison.of(p).ifPresent(c -> sb.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.1f%% | %s | %.0f | %s | %s | %s | %.0f | %s | %s |%n",
          p.pool(), 100 * c.scAtCap().accuracy(), 100 * c.target(), c.bestBaseline().name(), c.bestBaseline().tokens(),
          c.bestBursar() != null ? c.bestBursar().name() : p.tuning() == null ? "not fitted (too few tune-half questions)" : "none reaches it", c.bestBursar() == null ? "-" : String.format(Locale.ROOT, "%.0f", c.bestBursar().tokens()),
          c.bestBursar() == null ? "-" : String.format(Locale.ROOT, "%.2fx", c.ratioToBaseline()), c.oracle().tokens(),
          c.meetsGoal() ? "met" : "not met",
          c.chosen() == null ? "-" : String.format(Locale.ROOT, "%.1f%%, %.0f%s", 100 * c.chosen().accuracy(), c.chosen().tokens(),
              p.tuning() == null ? "" : chosenHow(p.tuning())))));
    }
    sb.append("\n");
    sb.append("Elsewhere on the curve: bursar's points (each lambda) against the baselines' frontier, the upper envelope of "
        + "every SC, Adaptive-Consistency and ESC point joined by straight lines, where the frontier spans their tokens. On ~200 "
        + "test questions one question moves accuracy by 0.5 points.\n\n");
    sb.append("| pool | bursar points on or above the frontier | largest shortfall | at |\n|---|---|---|---|\n");
    for (var p : r.pools()) {
      Comparison.of(p).ifPresent(c -> sb.append(String.format(Locale.ROOT, "| %s | %d of %d | %.1f pt | %s |%n", p.pool(),
          c.frontier().onOrAbove(), c.frontier().compared(), 100 * c.frontier().worstGap(),
          c.frontier().worst() == null ? "-" : String.format(Locale.ROOT, "%s (%.0f tokens)", c.frontier().worst().name(),
              c.frontier().worst().tokens()))));
    }
    sb.append("\n");
    sb.append("## Against the published anchor: Bayesian stopping\n\n");
    sb.append("Optimal Bayesian stopping with a prior fitted to past answer distributions (docs/ALGORITHMS.md §2.3): "
        + "the tune half's questions are the prior, the vote is summarised as the counts of the two leading answers and "
        + "the rest, and the stop table solves the stopping problem exactly at each cost per sample. Not one of the "
        + "goal's baselines: cheapest point reaching the same target, and bursar's tokens over it.\n\n");
    sb.append("| pool | Bayesian stopping | tokens | bursar tokens | bursar / Bayesian |\n|---|---|---|---|---|\n");
    for (var p : r.pools()) {
      Comparison.of(p).ifPresent(c -> sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", p.pool(),
          c.bayesStop() != null ? c.bayesStop().name()
              : p.methods().stream().anyMatch(m -> m.family().equals("bayes-stop")) ? "none reaches it"
              : "not run: its stop table is solved up to " + dev.bursar.policies.BayesianStop.MAX_CAP + " samples, the pool has " + p.maxSamples(),
          c.bayesStop() == null ? "-" : String.format(Locale.ROOT, "%.0f", c.bayesStop().tokens()),
          c.bestBursar() == null ? "-" : String.format(Locale.ROOT, "%.0f", c.bestBursar().tokens()),
          Double.isNaN(c.ratioToBayesStop()) ? "-" : String.format(Locale.ROOT, "%.2fx", c.ratioToBayesStop()))));
    }
    sb.append("\n");
    sb.append("## What limits it\n\n");
    sb.append("The goal in tokens is the larger of half the cheapest baseline and 1.2x the oracle. Beside bursar, the same "
        + "policy told each question's P(one sample is right) exactly (the fraction of its samples that are right, which only "
        + "hindsight knows) in place of the estimator's guess from the query: fitted by the same tuner on the tune half with that "
        + "prior, scored on the test half with the test questions' own. It is unreachable like the oracle; the gap between the "
        + "two bursar columns is what a perfect difficulty prior would be worth (`--told-noise` blurs what it is told, to see "
        + "how good a prior must be). Cheapest point reaching the target: tokens (ratio to the cheapest baseline). How well each "
        + "prior predicts whether a test-half sample is right, as mean log-loss per sample: the tune half's rate for every "
        + "question (a constant), bursar's estimator, and the told one.\n\n");
    sb.append("| pool | cheapest baseline | goal | bursar | bursar told P(right) (hindsight) | oracle | log-loss: constant / estimator / told |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (var p : r.pools()) {
      Comparison.of(p).ifPresent(c -> sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f (%.2fx) | %s | %s | %s | %s |%n", p.pool(),
          c.bestBaseline().tokens(), c.goalTokens(), c.goalTokens() / c.bestBaseline().tokens(),
          tokensAndRatio(c.bestBursar(), c, p.tuning() == null ? "not fitted" : "none reaches it"),
          tokensAndRatio(c.toldPRight(), c, p.tuning() == null ? "not fitted" : "none reaches it"),
          tokensAndRatio(c.oracle(), c, "-"),
          p.prior() == null ? "-" : String.format(Locale.ROOT, "%.3f / %.3f / %.3f", p.prior().constant(), p.prior().estimator(), p.prior().told()))));
    }
    sb.append("\n");
    for (var p : r.pools()) {
      sb.append("## ").append(p.pool()).append("\n\n");
      sb.append(String.format(Locale.ROOT, "%s on %s, %d samples per question, %d test questions.",
          p.model(), p.task(), p.maxSamples(), p.testQids().size()));
      if (p.tuning() == null && !p.lengthOnly()) {
        sb.append(String.format(Locale.ROOT, " bursar is not fitted: its tune half has fewer than %d questions whose samples say whether "
            + "they are right.", dev.bursar.tuner.Tuner.MIN_QUESTIONS));
      }
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
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.3f |%n", m.chosen() ? "**" + m.name() + "**" : m.name(),
            pm(100 * m.accuracy(), 100 * m.accuracyCi95(), 1), pm(m.tokens(), m.tokensCi95(), 1),
            pm(m.samples(), m.samplesCi95(), 2), m.tokens() / full.tokens()));
      }
      sb.append("\n");
    }
    return sb.toString();
  }

  /** {@return how the chosen policy stops and answers, where it differs from the trees' stop and the count} */
  private static String chosenHow(dev.bursar.tuner.Tuner.Result t) {
    List<String> how = new ArrayList<>();
    if (t.chosen().answerPrior()) how.add("with Bayesian stopping");
    if (t.policy().answersByScore()) how.add("answering by the reader's scores");
    return how.isEmpty() ? "" : " (" + String.join(", ", how) + ")";
  }

  private static String tokensAndRatio(ReplayResults.@Nullable MethodResult m, Comparison c, String none) {
    return m == null ? none : String.format(Locale.ROOT, "%.0f (%.2fx)", m.tokens(), c.ratioToBaseline(m));
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
      for (String family : List.of("sc", "ac-beta", "ac-dirichlet", "esc", "bayes-stop", "bursar", "bursar-threshold", "oracle",
          BursarMethods.TOLD)) {
        List<double[]> pts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (var m : p.methods()) {
          if (!m.family().equals(family)) continue;
          pts.add(new double[] {m.tokens(), 100 * m.accuracy()});
          labels.add(m.chosen() ? "chosen" : m.param() == null || family.startsWith("bursar") ? ""
              : family.equals("sc") || family.equals("esc") ? String.valueOf(m.param().intValue()) : String.valueOf(m.param()));
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
      case "bayes-stop" -> "Bayesian stopping, learned prior (cost labelled)";
      case "oracle" -> "oracle (unreachable bound)";
      case "bursar" -> "bursar compute-optimal (lambda sweep)";
      case "bursar-threshold" -> "bursar threshold baseline";
      case BursarMethods.TOLD -> "bursar told each question's P(right) (hindsight reference)";
      default -> family;
    };
  }
}
