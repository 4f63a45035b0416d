package dev.bursar.backends.djl.cli;

import dev.bursar.backends.djl.train.Evaluator;
import dev.bursar.backends.djl.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bursar train-model}: trains the embedded arithmetic model with DJL (thin wrapper over {@link Trainer}). */
@Command(
    name = "train-model",
    mixinStandardHelpOptions = true,
    description = "Train the embedded model (multi-step arithmetic with thinking) on the CPU/GPU with DJL and "
        + "write config.json, model.safetensors and tokenizer.json to --out.")
public final class TrainModelCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--minutes", description = "Wall-time limit; the schedule ends its decay by then (default ${DEFAULT-VALUE}).", defaultValue = "36")
  long minutes;

  @Option(names = "--seed", description = "Seed of initialisation and data (default: the committed model's).")
  Long seed;

  @Option(names = "--steps", description = "Optimizer steps (default ${DEFAULT-VALUE}).", defaultValue = "20000")
  int steps;

  @Option(names = "--random-order", description = "Fraction of training chains in a random admissible reduction order "
      + "(default ${DEFAULT-VALUE}, as the committed model).", defaultValue = "0.6")
  double randomOrder;

  @Option(names = "--swap", description = "Per-step probability that a + or * step of a training chain has its operands "
      + "swapped (default ${DEFAULT-VALUE}, as the committed model).", defaultValue = "0.5")
  double swap;

  @Option(names = "--typed", description = "Fraction of training problems drawn like the questions people type (2-3 "
      + "numbers up to 99, + - *) rather than from the buckets (default ${DEFAULT-VALUE}, as the committed model).",
      defaultValue = "0.35")
  double typed;

  @Option(names = "--init", paramLabel = "DIR", description = "Start from this checkpoint's weights (same architecture) "
      + "instead of a random initialisation: a second run continues a first.")
  Path init;

  @Option(names = "--lr", description = "Peak learning rate (default: the committed model's first run, 3e-3).")
  Float learningRate;

  @Option(names = "--evaluate", description = "Evaluate afterwards and write evaluation.md (a few minutes).")
  boolean evaluate;

  @Override
  public Integer call() throws Exception {
    Trainer.Settings s = Trainer.Settings.DEFAULT.withSteps(steps).withMaxDuration(Duration.ofMinutes(minutes));
    if (seed != null) s = s.withSeed(seed);
    if (learningRate != null) s = s.withLearningRate(learningRate);
    s = s.withMix(s.mix().withRandomOrderFraction(randomOrder).withSwapFraction(swap).withTypedFraction(typed));
    Trainer.train(s, init, out, System.out);
    if (evaluate) {
      Evaluator.Report r = Evaluator.evaluate(out, Evaluator.Options.DEFAULT, System.out);
      Files.writeString(out.resolve("evaluation.md"), r.toMarkdown());
      System.out.print(r.toMarkdown());
    }
    return 0;
  }
}
