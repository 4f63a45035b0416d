package dev.bursar.bench.decision;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.bench.AtomicFiles;
import dev.bursar.trace.Pool;
import dev.bursar.tuner.Tuner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bursar bench decision}: JMH percentiles of one decision, against feature extraction alone. */
@Command(
    name = "decision",
    mixinStandardHelpOptions = true,
    description = {
        "Measure with JMH what one decision costs (query features + fitted estimator + compute-optimal policy) and one "
            + "learned stop check and one reading of a sample's text, beside feature extraction alone, as p50/p99 in microseconds (goal: decision p99 <= 50 us).",
        "Uses --policy FILE, or fits one with the tuner on the first pool with answers under --pools. Writes DIR/decision.json."})
public final class BenchDecisionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--policy", paramLabel = "FILE", description = "A fitted policy file (from `bursar tune`).")
  Path policy;

  @Option(names = "--pools", arity = "1..*", paramLabel = "PATH", defaultValue = "../shared/data/pools",
      description = "Pools to fit a policy on when --policy is absent (default: ${DEFAULT-VALUE}).")
  List<Path> pools;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/decision", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quick", description = "One short fork (a smoke run; percentiles are rough).")
  boolean quick;

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    Path file = policy;
    var options = new OptionsBuilder().include(DecisionBenchmark.class.getName());
    if (file == null) {
      Pool pool = Pool.readAll(pools).stream().filter(p -> !p.lengthOnly()).findFirst()
          .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), "no pool with answers under " + pools + "; pass --policy FILE"));
      System.err.printf("fitting a policy on %s to measure%n", pool.name());
      var r = Tuner.tune(Tuner.questions(pool.records()), Tuner.Options.target(0.005, SampleOrder.RANDOM, "bursar bench decision"), System.err);
      file = out.resolve("policy.json");
      r.policy().write(file);
      // The pool's own first question and sample, in place of the benchmark's default ones.
      options.param("prompt", pool.records().getFirst().question());
      String text = pool.records().getFirst().samples().getFirst().text();
      if (text != null) options.param("sampleText", text);
    }
    var measured = options.param("policyFile", file.toAbsolutePath().toString())
        .forks(1).warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.seconds(quick ? 1 : 2))
        .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.seconds(quick ? 1 : 2)).build();
    var results = new ArrayList<>(new Runner(measured).run());
    long expected = java.util.Arrays.stream(DecisionBenchmark.class.getMethods())
        .filter(m -> m.isAnnotationPresent(org.openjdk.jmh.annotations.Benchmark.class)).count();
    if (results.size() != expected) {
      System.err.printf("error: JMH ran %d of %d benchmarks (see its output above)%n", results.size(), expected);
      return 1;
    }
    results.sort(java.util.Comparator.comparing(r -> r.getParams().getBenchmark()));
    var json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("benchmark", "decision").put("unit", "us").put("policy", file.toString());
    var sb = new StringBuilder(String.format(Locale.ROOT, "%-20s %10s %10s %10s%n", "benchmark", "p50 us", "p99 us", "p99.9 us"));
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
      var stats = r.getPrimaryResult().getStatistics();
      root.putObject(name).put("p50", stats.getPercentile(50)).put("p99", stats.getPercentile(99)).put("p999", stats.getPercentile(99.9))
          .put("samples", stats.getN());
      sb.append(String.format(Locale.ROOT, "%-20s %10.2f %10.2f %10.2f%n", name, stats.getPercentile(50), stats.getPercentile(99), stats.getPercentile(99.9)));
    }
    AtomicFiles.write(out.resolve("decision.json"), json.writeValueAsString(root) + "\n");
    System.out.print(sb);
    System.err.printf("wrote %s%n", out.resolve("decision.json"));
    return 0;
  }
}
