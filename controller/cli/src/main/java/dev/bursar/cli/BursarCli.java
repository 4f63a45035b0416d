package dev.bursar.cli;

import dev.bursar.backends.djl.cli.AskCommand;
import dev.bursar.backends.djl.cli.TrainModelCommand;
import dev.bursar.backends.djl.cli.TrainProbeCommand;
import dev.bursar.bench.BenchCommand;
import dev.bursar.sidecar.bench.BenchSidecarCommand;
import dev.bursar.sidecar.serve.ServeCommand;
import dev.bursar.tuner.TuneCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bursar} command line: {@code ./bursar <command> --help} describes each command. It only
 * assembles the commands that each module owns: {@code serve} (sidecar), {@code bench} (bench),
 * {@code ask}, {@code train-model} and {@code train-probe} (the DJL backend).
 */
@Command(
    name = "bursar",
    mixinStandardHelpOptions = true,
    version = "bursar 0.1.0-SNAPSHOT",
    description = "Adaptive test-time compute controller for LLM services.",
    subcommands = {
        ServeCommand.class,
        BenchCommand.class,
        AskCommand.class,
        TuneCommand.class,
        dev.bursar.bench.report.ReportCommand.class,
        TrainModelCommand.class,
        TrainProbeCommand.class,
        CommandLine.HelpCommand.class
    })
public final class BursarCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    var cli = new CommandLine(new BursarCli());
    // bench sidecar starts the sidecar, so it lives with the sidecar (bench stays free of Micronaut).
    cli.getSubcommands().get("bench").addSubcommand("sidecar", new BenchSidecarCommand());
    // A bad flag prints what was wrong plus the usage; an exception in a command prints its message, not a stack.
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("error: " + ex.getMessage());
      if (System.getenv("BURSAR_DEBUG") != null) ex.printStackTrace(cmd.getErr());
      return 1;
    });
    System.exit(cli.execute(args));
  }
}
