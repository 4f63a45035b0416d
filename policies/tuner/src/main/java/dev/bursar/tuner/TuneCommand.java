package dev.bursar.tuner;

import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.policies.PolicyFile;
import dev.bursar.trace.Pool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bursar tune}: fits the estimators and the policy on recorded pools or trace logs and writes a policy file. */
@Command(
    name = "tune",
    mixinStandardHelpOptions = true,
    description = {
        "Fit bursar's estimators and compute-optimal policy on recorded samples (pools or trace logs with feedback), "
            + "choose its operating point by cross-validation by question, and write a policy file for "
            + "`bursar serve --policy FILE` or PolicyFile.load in the library.",
        "Prints the cross-validated Pareto frontier and writes a plot beside the file (OUT with .svg)."})
public final class TuneCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--traces", arity = "1..*", paramLabel = "PATH", required = true,
      description = "Pool files or trace logs (.jsonl, with rotated .jsonl.N), or directories holding them. Records whose samples say whether "
          + "they are right, or that carry a gold answer (feedback), are used; a line a crash tore is skipped with a warning.")
  List<Path> traces;

  @Option(names = "--target-accuracy-drop", paramLabel = "PTS",
      description = "Accuracy points the policy may give up against self-consistency at the cap (default 0.5 unless --budget-tokens).")
  Double targetDrop;

  @Option(names = "--budget-tokens", paramLabel = "N",
      description = "Mean output tokens per query the policy may spend: the most accurate point within it.")
  Long budgetTokens;

  @Option(names = "--out", paramLabel = "FILE", defaultValue = "policy.json", description = "Policy file to write (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--kind", paramLabel = "compute-optimal|threshold", defaultValue = PolicyFile.COMPUTE_OPTIMAL,
      description = "Which policy to write: the compute-optimal policy, or the one-threshold baseline (default: ${DEFAULT-VALUE}).")
  String kind;

  @Option(names = "--order", paramLabel = "random|stored|greedy-first",
      description = "Draw orders simulated: random (8 seeded permutations per question), the stored order, or greedy-first (each "
          + "question's first stored sample is greedy and stays first, the rest permuted; the policy then draws its first sample "
          + "greedily, as the pool of bench live --greedy-first was recorded) (default: greedy-first when every trace's plan says it "
          + "drew its first sample greedily, else random).")
  @org.jspecify.annotations.Nullable String order;

  @Option(names = "--temperature", paramLabel = "T",
      description = "The temperature the --traces were sampled at. Written into the policy file, so `bursar serve --policy` samples at it "
          + "when a request names none (without it: the request's temperature, else the backend's default).")
  @org.jspecify.annotations.Nullable Double temperature;

  @Option(names = "--traces-at", paramLabel = "T=PATH",
      description = "The same questions sampled at another temperature T (repeatable; needs --temperature). The policy is tuned at every "
          + "temperature, each aiming at self-consistency's accuracy at --temperature less the target drop, and the one that reaches it for "
          + "the fewest tokens (with --budget-tokens: the most accurate) is written, with its temperature.")
  @org.jspecify.annotations.Nullable Map<Double, Path> tracesAt;

  @Option(names = "--wave", paramLabel = "N", defaultValue = "4",
      description = "Samples the written policy draws in parallel per backend call (default: ${DEFAULT-VALUE}).")
  int wave;

  @Option(names = "--tokens-per-sample", paramLabel = "N", defaultValue = "1024",
      description = "Cap on each sample's output tokens in the written policy (default: ${DEFAULT-VALUE}).")
  int tokensPerSample;

  /** Whether every trace records a plan whose first sample was greedy ({@link dev.bursar.controller.Plan#GREEDY_FIRST} in its description). */
  static boolean drawnGreedyFirst(List<Pool> pools) {
    boolean any = false;
    for (Pool p : pools) {
      if (p.lengthOnly()) continue;
      for (var r : p.records()) {
        if (r.plan() == null || !r.plan().contains(", " + dev.bursar.controller.Plan.GREEDY_FIRST)) return false;
        any = true;
      }
    }
    return any;
  }

  @Override
  public Integer call() throws Exception {
    var cl = spec.commandLine();
    if (targetDrop != null && budgetTokens != null) throw new CommandLine.ParameterException(cl, "give --target-accuracy-drop or --budget-tokens, not both");
    if (targetDrop != null && !(targetDrop >= 0 && targetDrop < 100)) throw new CommandLine.ParameterException(cl, "--target-accuracy-drop must be in [0, 100) points, was " + targetDrop);
    if (budgetTokens != null && budgetTokens < 1) throw new CommandLine.ParameterException(cl, "--budget-tokens must be >= 1, was " + budgetTokens);
    if (!kind.equals(PolicyFile.COMPUTE_OPTIMAL) && !kind.equals(PolicyFile.THRESHOLD)) {
      throw new CommandLine.ParameterException(cl, "--kind must be compute-optimal or threshold, was '" + kind + "'");
    }
    if (wave < 1 || tokensPerSample < 1) throw new CommandLine.ParameterException(cl, "--wave and --tokens-per-sample must be >= 1");
    Map<Double, Path> others = tracesAt == null ? Map.of() : tracesAt;
    if (!others.isEmpty() && temperature == null) {
      throw new CommandLine.ParameterException(cl, "--traces-at needs --temperature: the temperature the --traces were sampled at, whose "
          + "self-consistency sets the target");
    }
    if (!others.isEmpty() && kind.equals(PolicyFile.THRESHOLD)) {
      throw new CommandLine.ParameterException(cl, "--traces-at chooses a compute-optimal policy's temperature; the threshold baseline has none");
    }
    for (double t : others.keySet()) checkTemperature(cl, "--traces-at", t);
    if (temperature != null) checkTemperature(cl, "--temperature", temperature);
    @org.jspecify.annotations.Nullable SampleOrder requested = order == null ? null : switch (order.toLowerCase(Locale.ROOT)) {
      case "random" -> SampleOrder.RANDOM;
      case "stored" -> SampleOrder.STORED;
      case "greedy-first" -> SampleOrder.GREEDY_FIRST;
      default -> throw new CommandLine.ParameterException(cl, "--order must be random, stored or greedy-first, was '" + order + "'");
    };
    // Before minutes of fitting: a file that cannot be written should fail now, and a new folder is made.
    Path outDir = out.toAbsolutePath().getParent();
    try {
      if (outDir != null) Files.createDirectories(outDir);
    } catch (java.io.IOException | SecurityException e) {
      throw new CommandLine.ParameterException(cl, "--out " + out + ": cannot create its folder " + outDir + " (" + e.getMessage() + ")");
    }
    if (Files.isDirectory(out)) throw new CommandLine.ParameterException(cl, "--out " + out + " is a folder: give the policy file's path, e.g. "
        + out.resolve("policy.json"));
    long start = System.nanoTime();
    List<Pool> pools = read(traces);
    List<Question> questions = questions(pools);
    boolean greedyTraces = drawnGreedyFirst(pools);
    SampleOrder sampleOrder = requested != null ? requested : greedyTraces ? SampleOrder.GREEDY_FIRST : SampleOrder.RANDOM;
    if (requested == null && greedyTraces) {
      System.err.println("every trace drew its first sample greedily: simulating --order greedy-first");
    } else if (greedyTraces && sampleOrder != SampleOrder.GREEDY_FIRST) {
      System.err.println("warning: every trace drew its first sample greedily, but --order " + order
          + " shuffles it among the sampled ones; --order greedy-first keeps it first");
    }
    if (questions.size() < Tuner.MIN_QUESTIONS) {
      System.err.printf("error: need at least %d questions whose samples say whether they are right (pools, or trace logs with feedback); got %d%n",
          Tuner.MIN_QUESTIONS, questions.size());
      return 2;
    }
    String command = commandLine(spec);
    double drop = budgetTokens != null ? Double.NaN : (targetDrop == null ? 0.5 : targetDrop) / 100;
    var options = new Tuner.Options(sampleOrder, sampleOrder == SampleOrder.STORED ? 1 : 8, 3, drop,
        budgetTokens == null ? 0 : budgetTokens, wave, tokensPerSample, command);
    Tuner.Result r;
    PolicyFile file;
    String temperatures = "";
    if (others.isEmpty()) {
      r = Tuner.tune(questions, options, System.err);
      file = kind.equals(PolicyFile.THRESHOLD) ? r.thresholdPolicy() : r.policy().withTemperature(temperature);
    } else {
      Map<Double, List<Question>> byTemperature = new TreeMap<>();
      byTemperature.put(temperature, questions);
      for (var e : others.entrySet()) {
        if (e.getKey().equals(temperature)) throw new CommandLine.ParameterException(cl, "--traces-at " + e.getKey() + " is --temperature's own");
        List<Question> at = questions(read(List.of(e.getValue())));
        if (at.size() < Tuner.MIN_QUESTIONS) {
          System.err.printf("error: --traces-at %s: need at least %d questions whose samples say whether they are right; got %d%n", e.getKey(),
              Tuner.MIN_QUESTIONS, at.size());
          return 2;
        }
        byTemperature.put(e.getKey(), at);
      }
      var chosen = TemperatureChoice.choose(byTemperature, temperature, options, System.err);
      r = chosen.result();
      file = chosen.policy();
      temperatures = temperatureTable(chosen);
    }
    file.write(out);
    Path plot = out.toAbsolutePath().resolveSibling(out.getFileName().toString().replaceFirst("\\.json$", "") + ".svg");
    Files.writeString(plot, TunePlot.render(r), StandardCharsets.UTF_8);
    System.out.print(temperatures + summary(r, file));
    System.err.printf("wrote %s and %s in %.1f s%n", out, plot, (System.nanoTime() - start) / 1e9);
    return 0;
  }

  private static void checkTemperature(CommandLine cl, String option, double t) {
    if (!(t >= 0 && t <= 2)) throw new CommandLine.ParameterException(cl, option + ": a temperature must be in [0, 2], was " + t);
  }

  private static List<Pool> read(List<Path> paths) throws java.io.IOException {
    System.err.printf("reading %s%n", paths);
    return Pool.readLogs(paths, System.err);
  }

  /** {@return the questions of {@code pools} whose every sample says whether it is right} */
  private static List<Question> questions(List<Pool> pools) {
    List<Question> questions = new ArrayList<>();
    int records = 0;
    for (Pool p : pools) {
      if (p.lengthOnly()) {
        System.err.printf("%s: length-only (no answers to vote on), left out%n", p.name());
        continue;
      }
      records += p.records().size();
      questions.addAll(Tuner.questions(p.records()));
    }
    System.err.printf("%d records, %d with known correctness of every sample%n", records, questions.size());
    return questions;
  }

  static String temperatureTable(TemperatureChoice.Chosen chosen) {
    var sb = new StringBuilder("Temperatures (each tuned on its own samples, aiming at the same accuracy):\n");
    sb.append(String.format(Locale.ROOT, "  %-6s %12s %20s%n", "T", "SC at cap", "chosen point"));
    for (var c : chosen.candidates()) {
      String point = c.result() == null ? "cannot reach it"
          : String.format(Locale.ROOT, "%.2f%% / %.0f tok", 100 * c.result().chosen().accuracy(), c.result().chosen().tokens());
      sb.append(String.format(Locale.ROOT, "  %-6.2f %11.2f%% %20s%s%n", c.temperature(), 100 * c.scAtCapAccuracy(), point,
          c.temperature() == chosen.temperature() ? "   <- chosen" : ""));
    }
    return sb.append('\n').toString();
  }

  /** {@return "bursar NAME ARGS..." as typed, whether parsed from the top-level command or this one} */
  public static String commandLine(CommandLine.Model.CommandSpec spec) {
    List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    if (!args.isEmpty() && args.getFirst().equals(spec.name())) args.removeFirst();
    return "bursar " + spec.name() + (args.isEmpty() ? "" : " " + String.join(" ", args));
  }

  private static void pareto(StringBuilder sb, String title, List<Tuner.Point> points, Tuner.Result r) {
    sb.append(title).append('\n');
    sb.append(String.format(Locale.ROOT, "  %-10s %9s %9s %8s %9s%n", "lambda", "accuracy", "tokens", "samples", "vs SC"));
    for (var p : points) {
      sb.append(String.format(Locale.ROOT, "  %-10.3g %8.2f%% %9.0f %8.2f %8.2fx%s%n", p.param(), 100 * p.accuracy(), p.tokens(), p.samples(),
          p.tokens() / r.scAtCap().tokens(), p.equals(r.chosen()) ? "   <- chosen" : ""));
    }
  }

  static String summary(Tuner.Result r, PolicyFile written) {
    var sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Cross-validated (3 folds by question) on %d questions, cap %d samples.%n", r.questions(), r.cap()));
    sb.append(String.format(Locale.ROOT, "SC@%d: %.2f%% at %.0f tokens per query%n%n", r.cap(), 100 * r.scAtCap().accuracy(), r.scAtCap().tokens()));
    pareto(sb, "Pareto frontier of the compute-optimal policy:", r.pareto(), r);
    if (!r.withAnswerPrior().isEmpty()) {
      pareto(sb, "... stopping also where Bayesian stopping on past answer distributions would:", Tuner.pareto(r.withAnswerPrior()), r);
    }
    if (!r.pareto().contains(r.chosen()) && !Tuner.pareto(r.withAnswerPrior()).contains(r.chosen())) {
      sb.append(String.format(Locale.ROOT, "  chosen: lambda %.3g, %.2f%% at %.0f tokens%n", r.chosen().param(), 100 * r.chosen().accuracy(), r.chosen().tokens()));
    }
    if (r.policy().lambda() != r.chosen().param()) {
      sb.append(String.format(Locale.ROOT, "  the policy file uses lambda %.3g: there the model refitted on every question draws "
          + "the chosen point's %.2f samples per query%n", r.policy().lambda(), r.chosen().samples()));
    }
    if (r.chosen().answerPrior()) {
      sb.append(String.format(Locale.ROOT, "  the chosen point also stops where Bayesian stopping on the %d questions' answer distributions "
          + "would (cross-validated with the training folds' answers): %.2f%% at %.0f tokens%n", r.questions(), 100 * r.chosen().accuracy(),
          r.chosen().tokens()));
    }
    if (written.answersByScore()) {
      sb.append("  the policy answers with the answer whose samples the sample reader scores highest in sum, not the most "
          + "frequent one: on held-out scores of these questions it was right more often\n");
    }
    if (r.chosen().routes()) {
      sb.append(String.format(Locale.ROOT, "  the chosen point hands queries whose P(right) is below %.2f to DEEP_SEARCH (measured on the same "
          + "questions; the others stop by the learned stop alone, as routes are scored): %.2f%% at %.0f tokens%n", r.chosen().deepBelow(), 100 * r.chosen().accuracy(), r.chosen().tokens()));
    }
    sb.append(String.format(Locale.ROOT, "%nThreshold baseline at its chosen threshold %.2f: %.2f%% at %.0f tokens%n",
        r.thresholdChosen().param(), 100 * r.thresholdChosen().accuracy(), r.thresholdChosen().tokens()));
    var c = r.calibration();
    sb.append(String.format(Locale.ROOT, "Confidence P(answer right): Brier %.4f on %d held-out states (the vote share scores %.4f, the reader %.4f)%s%n",
        c.brier(), c.states(), c.brierVoteShare(), c.brierReader(), written.reportsVoteShare()
            ? "; the vote share is better calibrated here, so the policy reports it"
            : written.reportsReader()
                ? "; the reader's P(right) of the answer's samples is better calibrated here, so the policy reports it" : ""));
    sb.append(String.format(Locale.ROOT, "Length Gamma: held-out log-likelihood per sample %.3f (fitted) against %.3f (one constant Gamma)%n",
        r.length().fittedLogLik(), r.length().constantLogLik()));
    sb.append(String.format(Locale.ROOT, "Difficulty prior P(one sample right): held-out log-loss per sample %.3f (fitted) against %.3f "
        + "(the training rate for every query); the better it knows each query, the earlier the policy can stop%n",
        r.prior().fittedLogLoss(), r.prior().constantLogLoss()));
    sb.append(r.text().foldsWithReader() == 0
        ? String.format(Locale.ROOT, "Samples: no fold kept a reader (their texts and answers did not beat the training rate, or the traces have no texts)%n")
        : String.format(Locale.ROOT, "Samples P(this sample right) from their text and answer%s: held-out log-loss per sample %.3f (the reader, kept in %d of %d folds) "
            + "against %.3f (the training rate); the stop model reads the leader's score beside the vote%n",
            written.readsVerifier() ? " and a verifier's score" : "", r.text().readerLogLoss(), r.text().foldsWithReader(), r.text().folds(), r.text().constantLogLoss()));
    sb.append(String.format(Locale.ROOT, "Wrote a %s policy (%s)%n", written.kind(), written.policy().description()));
    return sb.toString();
  }
}
