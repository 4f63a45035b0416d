package dev.bursar.bench.live;

import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.backends.djl.probe.EmbeddedProbe;
import dev.bursar.arithmetic.Bucket;
import dev.bursar.arithmetic.Problem;
import dev.bursar.arithmetic.ProblemSet;
import dev.bursar.controller.LinearProbe;
import dev.bursar.controller.WhiteBoxBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bursar bench live}: every mode and exit of the controller on the embedded model, per difficulty bucket. */
@Command(
    name = "live",
    mixinStandardHelpOptions = true,
    description = {
        "Run FAST, SC@4, SC@16, SC with Adaptive-Consistency, SC with DeepConf pruning, DEEP_SEARCH with each verifier "
            + "and FAST with each thinking exit through the controller on the embedded model, over a fixed seeded set "
            + "of arithmetic problems spread over the difficulty buckets.",
        "Writes DIR/summary.json (the replay shape plus a bucket field), DIR/report.md and DIR/accuracy_vs_tokens.svg."})
public final class BenchLiveCommand implements Callable<Integer> {
  @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/live", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--per-bucket", paramLabel = "N", defaultValue = "80",
      description = "Problems per difficulty bucket; 5 buckets (default: ${DEFAULT-VALUE}, i.e. 400 problems).")
  int perBucket;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "20251124", description = "Seed of the problem set (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--model-dir", paramLabel = "DIR", description = "A checkpoint directory instead of the embedded model.")
  @Nullable Path modelDir;

  @Option(names = "--device", paramLabel = "auto|cpu|gpu", defaultValue = "auto",
      description = "Where the model runs: auto (a GPU when DJL sees one), cpu, or gpu (fails without one) (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--probe", paramLabel = "FILE", description = "PRM probe file (default: the committed embedded probe).")
  @Nullable Path probeFile;

  @Option(names = "--forced-budget", paramLabel = "TOKENS", defaultValue = "48",
      description = "Request budget of the budget-forcing comparison (default: ${DEFAULT-VALUE}).")
  int forcedBudget;

  @Option(names = "--methods", paramLabel = "FAMILY", split = ",",
      description = "Only these method families (fast, sc, ac-beta, deepconf, deep-search-confidence, deep-search-prm, dvts-prm, fast-probe, fast-forcing, fast-capped, fast-length-forcing, fast-forecast-forcing, bayes-stop, bursar, bursar-threshold, bursar-prefill-probe).")
  @Nullable List<String> families;

  @Option(names = "--fit-per-bucket", paramLabel = "N", defaultValue = "40",
      description = "Training problems per bucket on which bursar's estimators and policy are fitted for this model "
          + "(a separate seed; 0: skip bursar's families) (default: ${DEFAULT-VALUE}).")
  int fitPerBucket;

  @Option(names = "--greedy-first",
      description = "Record bursar's fitting samples with the first one greedy and fit a policy that draws its first sample greedily "
          + "(cheaper at small budgets, less accurate near SC@16's accuracy on the embedded model; see the README).")
  boolean greedyFirst;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "" + LiveMethod.TEMPERATURE,
      description = "Temperature of the sampled fixed plans (SC, Adaptive-Consistency, DeepConf, DEEP_SEARCH) and of bursar's fitting pool "
          + "(default: ${DEFAULT-VALUE}, the model card's).")
  double temperature;

  @Option(names = "--temperatures", paramLabel = "T", split = ",",
      description = "Other temperatures bursar's fitted policy may sample at: a fitting pool is sampled at each and the tuner keeps the "
          + "temperature (these or --temperature) that reaches SC@16's accuracy at --temperature for the fewest tokens (default: none; "
          + "measured on the embedded model in the README: not kept).")
  List<Double> temperatures = new ArrayList<>();

  /** {@return whether {@code --methods} runs {@code family} (every family without it)} */
  private boolean selected(String family) {
    return families == null || families.contains(family);
  }

  @Override
  public Integer call() throws Exception {
    if (perBucket < 1) throw new IllegalArgumentException("--per-bucket must be >= 1, was " + perBucket);
    var builder = DjlBackend.builder().device(device);
    if (modelDir != null) builder.modelDirectory(modelDir); else builder.embeddedModel();
    LinearProbe probe = loadProbe();
    if (!(temperature >= 0 && temperature <= 2)) throw new IllegalArgumentException("--temperature must be in [0, 2], was " + temperature);
    for (double t : temperatures) {
      if (!(t >= 0 && t <= 2)) throw new IllegalArgumentException("--temperatures: each must be in [0, 2], was " + t);
    }
    List<LiveMethod> methods = new ArrayList<>(LiveMethod.all(probe, forcedBudget, temperature).stream().filter(m -> selected(m.family())).toList());
    boolean fit = fitPerBucket > 0 && (selected("bursar") || selected("bursar-threshold") || selected("bursar-prefill-probe")
        || selected("fast-length-forcing") || selected("fast-forecast-forcing") || selected("bayes-stop"));
    if (methods.isEmpty() && !fit) throw new IllegalArgumentException("--methods " + families + " selects no method");
    if (fitPerBucket < 0) throw new IllegalArgumentException("--fit-per-bucket must be >= 0, was " + fitPerBucket);
    ProblemSet set = ProblemSet.fixed(seed, perBucket);
    List<Problem> problems = set.problems();
    long start = System.nanoTime();
    try (DjlBackend backend = builder.build()) {
      if (fit) {
        // Training problems from another seed: the fit never sees a measured problem.
        var measured = new java.util.HashSet<String>();
        for (Problem p : problems) measured.add(p.expression());
        List<Problem> training = ProblemSet.fixed(seed + 1, fitPerBucket).problems().stream()
            .filter(p -> !measured.contains(p.expression())).toList();
        // Only the compute-optimal policies can route to DEEP_SEARCH: no search runs for the other fitted families.
        boolean route = selected("bursar") || selected("bursar-prefill-probe");
        var fitted = LivePolicyFit.fit(backend, training, greedyFirst, temperature, temperatures, route, selected("bursar-prefill-probe"), out,
            System.err);
        methods.addAll(fitted.methods().stream().filter(m -> selected(m.family())).toList());
        if (selected("fast-length-forcing") && backend instanceof WhiteBoxBackend wb) {
          methods.add(LivePolicyFit.withRemainingLength(wb, fitted.pool(), forcedBudget, out, System.err));
        }
        if (selected("fast-forecast-forcing")) methods.add(LivePolicyFit.withLengthForecast(fitted, forcedBudget));
        if (selected("bayes-stop")) methods.addAll(LivePolicyFit.withBayesianStop(fitted, temperature));
      }
      System.err.printf("bench live: %d problems x %d methods on %s%s%n", problems.size(), methods.size(), backend.name(),
          probe == null ? " (no PRM probe found: DEEP_SEARCH with the probe is skipped)" : "");
      var results = LiveBenchmark.run(backend, problems, methods, temperature, System.err);
      List<String> buckets = new ArrayList<>();
      for (Bucket b : Bucket.values()) buckets.add(b.label());
      buckets.add("all");
      Map<String, List<Integer>> qids = new LinkedHashMap<>();
      for (int i = 0; i < problems.size(); i++) {
        qids.computeIfAbsent(problems.get(i).bucket().label(), k -> new ArrayList<>()).add(i);
        qids.computeIfAbsent("all", k -> new ArrayList<>()).add(i);
      }
      var cells = LiveBenchmark.aggregate(results, buckets);
      var stats = backend.stats();
      String header = String.format(java.util.Locale.ROOT,
          "# Live benchmark on the embedded model%n%n`bursar bench live --out %s --per-bucket %d --seed %d --forced-budget %d%s`%n%n"
              + "%d problems (ProblemSet.fixed(%d, %d)), every method through ComputeController on %s; a problem is right when "
              + "the answer equals the exact result. Tokens: mean output tokens per problem, including probes, cancelled "
              + "traces and search expansions. Sampled methods use T = %.1f with a per-problem seed (bursar's compute-optimal "
              + "policies the temperature their fit chose, in their name). Wall time %.0f s; "
              + "prefix cache: %d hits, %d misses, %d prompt tokens reused.%n",
          out, perBucket, seed, forcedBudget, (greedyFirst ? " --greedy-first" : "") + (families == null ? "" : " --methods " + String.join(",", families))
              + (fitPerBucket != 40 ? " --fit-per-bucket " + fitPerBucket : "")
              + (temperature != LiveMethod.TEMPERATURE ? " --temperature " + temperature : "")
              + (fit && !temperatures.isEmpty() ? " --temperatures " + temperatures.stream().map(t -> String.format(java.util.Locale.ROOT, "%.1f", t))
                  .collect(java.util.stream.Collectors.joining(",")) : ""),
          problems.size(), seed, perBucket, backend.name(), temperature,
          (System.nanoTime() - start) / 1e9, stats.cacheHits(), stats.cacheMisses(), stats.tokensReused());
      LiveReport.write(cells, qids, backend.name(), header, out);
      System.out.print(LiveReport.markdown(cells, header));
      System.err.printf("wrote %s/summary.json, report.md, accuracy_vs_tokens.svg%n", out);
    }
    return 0;
  }

  private @Nullable LinearProbe loadProbe() throws IOException {
    return probeFile != null ? LinearProbe.read(probeFile) : embeddedProbe();
  }

  /** {@return the PRM probe committed next to the embedded model, or null when there is none} */
  static @Nullable LinearProbe embeddedProbe() {
    return EmbeddedProbe.available() ? EmbeddedProbe.load() : null;
  }

}
