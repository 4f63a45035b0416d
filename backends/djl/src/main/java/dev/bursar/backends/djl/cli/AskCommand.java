package dev.bursar.backends.djl.cli;

import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.backends.djl.EmbeddedAsk;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bursar ask}: one question to the embedded model (thin wrapper over {@link EmbeddedAsk}). */
@Command(
    name = "ask",
    mixinStandardHelpOptions = true,
    description = "Ask the embedded model an arithmetic question as you would type it, e.g. \"What is 17+25*3?\".")
public final class AskCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "The question.")
  String question;

  @Option(names = "--device", paramLabel = "auto|cpu|gpu", defaultValue = "auto",
      description = "Where the model runs: auto (a GPU when DJL sees one), cpu, or gpu (fails without one) (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--json", description = "Print one JSON object (answer, thinking, tokens, millis, ...).")
  boolean json;

  @Option(names = "--samples", description = "Samples to vote over (default ${DEFAULT-VALUE}: one greedy answer).", defaultValue = "1")
  int samples;

  @Option(names = "--temperature", description = "Sampling temperature (default ${DEFAULT-VALUE}; 0 = greedy, with --samples > 1 0.8 is used).", defaultValue = "0")
  double temperature;

  @Option(names = "--seed", description = "Sampling seed (default ${DEFAULT-VALUE}).", defaultValue = "0")
  long seed;

  @Option(names = "--model", description = "A checkpoint directory trained by train-model instead of the embedded one.")
  Path model;

  @Override
  public Integer call() {
    DjlBackend.Builder b = DjlBackend.builder().workers(1).device(device);
    b = model == null ? b.embeddedModel() : b.modelDirectory(model);
    try (DjlBackend backend = b.build()) {
      EmbeddedAsk.Reply r = EmbeddedAsk.ask(backend, question, samples, temperature, seed);
      System.out.print(json ? r.toJson() + "\n" : r.toText());
      return 0;
    }
  }
}
