package dev.bursar.backends.djl.cli;

import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.backends.djl.probe.PrmProbeTrainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bursar train-probe}: fits the process reward probe on the model's own rollouts (thin wrapper over {@link PrmProbeTrainer}). */
@Command(
    name = "train-probe",
    mixinStandardHelpOptions = true,
    description = "Train a process reward probe (a logistic probe on the hidden state at each step's end) on the "
        + "model's own sampled rollouts, labelled exactly by the task's step checker; write it as a properties file "
        + "for Verifiers.hiddenStateProbe. Progress on stderr, a Markdown summary on stdout.")
public final class TrainProbeCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "Probe file to write (.properties).")
  Path out;

  @Option(names = "--rollouts", defaultValue = "6000", description = "Rollouts to sample (default ${DEFAULT-VALUE}).")
  int rollouts;

  @Option(names = "--seed", defaultValue = "" + PrmProbeTrainer.DEFAULT_SEED,
      description = "Seed of problems, split and sampling (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--temperature", defaultValue = "0.8", description = "Sampling temperature (default ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--samples-per-problem", defaultValue = "4", description = "Rollouts per problem (default ${DEFAULT-VALUE}).")
  int samplesPerProblem;

  @Option(names = "--model-dir", description = "Checkpoint directory (default: the embedded model).")
  Path modelDir;

  @Override
  public Integer call() {
    var command = new StringBuilder("bursar train-probe --out ").append(out).append(" --rollouts ").append(rollouts)
        .append(" --seed ").append(seed).append(" --temperature ").append(temperature)
        .append(" --samples-per-problem ").append(samplesPerProblem);
    if (modelDir != null) command.append(" --model-dir ").append(modelDir);
    var options = PrmProbeTrainer.Options.DEFAULT.withRollouts(rollouts).withSeed(seed).withTemperature(temperature)
        .withSamplesPerProblem(samplesPerProblem).withCommand(command.toString());
    var builder = DjlBackend.builder();
    builder = modelDir != null ? builder.modelDirectory(modelDir) : builder.embeddedModel();
    try (DjlBackend backend = builder.build()) {
      PrmProbeTrainer.Report report = PrmProbeTrainer.train(backend, options, System.err);
      PrmProbeTrainer.write(report, out);
      System.err.println("train-probe: wrote " + out);
      System.out.print(report.toMarkdown());
    }
    return 0;
  }
}
