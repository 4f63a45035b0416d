package dev.bursar.backends.djl.cli;

import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.backends.djl.EmbeddedAsk;
import dev.bursar.arithmetic.TypedQuestions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
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
  @Parameters(index = "0", arity = "0..1", description = "The question (or --typed-set N).")
  @Nullable String question;

  @Option(names = "--typed-set", paramLabel = "N",
      description = "Instead of one question: N seeded chains of 2-3 numbers up to 99 with + - *, typed as a person "
          + "would (seed --seed); prints each miss and the share right. Refusals (e.g. negative results) count as wrong.")
  @Nullable Integer typedSet;

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
    if ((question == null) == (typedSet == null)) {
      throw new IllegalArgumentException("give a question or --typed-set N, not both and not neither");
    }
    try (DjlBackend backend = b.build()) {
      if (typedSet != null) return typedSet(backend);
      EmbeddedAsk.Reply r = EmbeddedAsk.ask(backend, question, samples, temperature, seed);
      System.out.print(json ? r.toJson() + "\n" : r.toText());
      return 0;
    }
  }

  private int typedSet(DjlBackend backend) {
    List<TypedQuestions.Question> qs = TypedQuestions.draw(typedSet, seed);
    int right = 0;
    int refused = 0;
    int[] rightByCount = new int[4];
    int[] byCount = new int[4];
    for (TypedQuestions.Question q : qs) {
      byCount[q.numbers()]++;
      String got;
      try {
        EmbeddedAsk.Reply r = EmbeddedAsk.ask(backend, q.text(), samples, temperature, seed);
        boolean ok = r.answer() != null && r.answer() == q.expected();
        if (ok) {
          right++;
          rightByCount[q.numbers()]++;
          continue;
        }
        got = String.valueOf(r.answer());
      } catch (IllegalArgumentException e) {
        refused++;
        got = "refused";
      }
      System.out.printf(Locale.ROOT, "miss  %-28s expected %6d  got %s%n", q.text(), q.expected(), got);
    }
    System.out.printf(Locale.ROOT, "typed set (n=%d, seed %d, samples %d): %d/%d right (%.1f%%); 2 numbers %d/%d, "
        + "3 numbers %d/%d; %d refused%n", qs.size(), seed, samples, right, qs.size(), 100.0 * right / qs.size(),
        rightByCount[2], byCount[2], rightByCount[3], byCount[3], refused);
    return 0;
  }
}
