package dev.bursar.bench;

import dev.bursar.bench.live.BenchLiveCommand;
import dev.bursar.bench.live.BenchThroughputCommand;
import dev.bursar.bench.replay.BenchReplayCommand;
import picocli.CommandLine.Command;

/** {@code bursar bench}: the benchmark runners. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Run a benchmark: accuracy against compute on recorded pools (replay) or on the embedded model, throughput, or the cost of a decision.",
    subcommands = {BenchReplayCommand.class, BenchLiveCommand.class, BenchThroughputCommand.class,
        dev.bursar.bench.decision.BenchDecisionCommand.class})
public final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
