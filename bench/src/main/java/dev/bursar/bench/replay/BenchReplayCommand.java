package dev.bursar.bench.replay;

import dev.bursar.trace.Pool;
import dev.bursar.backends.replay.SampleOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bursar bench replay}: every method on every pool's test half, written as JSON, Markdown and SVG. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
        "Replay recorded sample pools through self-consistency policies (SC@k, Adaptive-Consistency, ESC, "
            + "the hindsight oracle) and bursar's fitted policy (and, for reference, the same told each question's "
            + "P(right) in hindsight), and report accuracy, tokens and samples per question on each pool's test half.",
        "Writes DIR/summary.json, DIR/report.md and DIR/accuracy_vs_tokens.svg."})
public final class BenchReplayCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--pools", arity = "1..*", paramLabel = "PATH", defaultValue = "../shared/data/pools",
      description = "Pool files (.jsonl) or directories holding them (default: ${DEFAULT-VALUE}).")
  List<Path> pools;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/replay",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--order", paramLabel = "random|stored", defaultValue = "random",
      description = "random: seeded permutations averaged over --seeds; stored: the recorded order, deterministic (default: ${DEFAULT-VALUE}).")
  String order;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "5",
      description = "Permutations averaged with --order random (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--split-seed", paramLabel = "SEED", defaultValue = "0",
      description = "Seed of the tune/test split by hashed question id (default: ${DEFAULT-VALUE}).")
  long splitSeed;

  @Option(names = "--told-noise", paramLabel = "SIGMA", defaultValue = "0",
      description = "Noise (standard deviation on the log-odds) added to the P(right) the hindsight reference "
          + "`bursar told P(right)` is told: how good must a difficulty prior be (default: ${DEFAULT-VALUE}, told exactly).")
  double toldNoise;

  @Override
  public Integer call() throws Exception {
    SampleOrder sampleOrder = switch (order.toLowerCase(Locale.ROOT)) {
      case "random" -> SampleOrder.RANDOM;
      case "stored" -> SampleOrder.STORED;
      default -> throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--order must be random or stored, was '" + order + "'");
    };
    if (!(toldNoise >= 0) || Double.isInfinite(toldNoise)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--told-noise must be a number >= 0, was " + toldNoise);
    }
    if (seeds < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--seeds must be >= 1, was " + seeds);
    }
    long start = System.nanoTime();
    System.err.printf("reading pools from %s%n", pools);
    List<Pool> loaded = Pool.readAll(pools);
    var results = ReplayBenchmark.run(loaded,
        new ReplayBenchmark.Options(sampleOrder, seeds, splitSeed,
            p -> BursarMethods.forPool(p, sampleOrder, splitSeed, toldNoise, System.err)), System.err);
    String command = "bursar bench replay --pools " + String.join(" ", pools.stream().map(Path::toString).toList())
        + " --out " + out + " --order " + order + (sampleOrder == SampleOrder.RANDOM ? " --seeds " + seeds : "")
        + " --split-seed " + splitSeed + (toldNoise > 0 ? " --told-noise " + toldNoise : "");
    ReplayReport.write(results, out, command);
    System.out.print(ReplayReport.markdown(results, command));
    System.err.printf("wrote %s/summary.json, report.md, accuracy_vs_tokens.svg in %.1f s%n", out,
        (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
