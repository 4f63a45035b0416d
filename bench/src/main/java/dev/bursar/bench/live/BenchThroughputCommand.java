package dev.bursar.bench.live;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bursar bench throughput}: KV-cache and prefix-cache speed-ups of the DJL backend, as ratios measured in one run. */
@Command(
    name = "throughput",
    mixinStandardHelpOptions = true,
    description = {
        "Measure decode tokens/s at batch 1 and 16 with and without the KV cache, and wall time and prefill work of "
            + "16 samples of one prompt with the prefix cache against without it, in one run, on the embedded model.",
        "Writes DIR/live-throughput.json and DIR/live-throughput.md."})
public final class BenchThroughputCommand implements Callable<Integer> {
  @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/throughput", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--model-dir", paramLabel = "DIR", description = "A checkpoint directory instead of the embedded model.")
  @Nullable Path modelDir;

  @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "64", description = "Output tokens per sequence (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--repeats", paramLabel = "N", defaultValue = "3", description = "Measured runs per configuration, median reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "Seed of the prompt and the sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    ThroughputBenchmark.run(System.out, new ThroughputBenchmark.Options(modelDir, out, maxTokens, repeats, seed));
    return 0;
  }
}
