package dev.bursar.backends.djl.train;

import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.arithmetic.AnswerChecker;
import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.Bucket;
import dev.bursar.arithmetic.Problem;
import dev.bursar.arithmetic.ProblemSet;
import dev.bursar.arithmetic.QuestionParser;
import dev.bursar.arithmetic.TrainingExamples;
import dev.bursar.arithmetic.TypedQuestions;
import dev.bursar.controller.Answers;
import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Outcome;
import dev.bursar.controller.Plan;
import dev.bursar.controller.Request;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.StoppingRules;
import dev.bursar.controller.TokenListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures a checkpoint on the task's fixed evaluation set ({@link ProblemSet#fixed}), per
 * difficulty bucket, and on the typed set of {@code bursar ask --typed-set} ({@link
 * TypedQuestions}): greedy accuracy, self-consistency (majority vote of sampled answers, no early
 * stop) at 4 and 16 samples, and the answer forced after 25/50/75% of the reference thinking (the
 * Dynasor-style probe: {@code </think>A:} appended at a step boundary). Greedy and self-consistency
 * run through the {@link ComputeController} with the plans and per-problem seeds of {@code bursar
 * bench live} ({@link #greedyPlan}, {@link #selfConsistencyPlan}, {@link #samplingSeed}), so the
 * card and the benchmark agree on the same problems. Produces the table of {@code MODEL_CARD.md}.
 *
 * <p>Run: {@code java -cp ... dev.bursar.backends.djl.train.Evaluator MODEL_DIR [perBucket] [temperature] [--gain-set N]}.
 */
public final class Evaluator {

  /** Longest answer a plan lets a sample write: the task's whole context. */
  public static final int MAX_TOKENS = ArithmeticTask.MAX_SEQUENCE_TOKENS;

  /**
   * Settings of an evaluation; {@code typedSet} questions of {@link TypedQuestions#EVALUATION_SEED} (0: none);
   * {@code gainSet} problems per bucket of the larger voting-gain check of the top buckets (0: none).
   */
  public record Options(int perBucket, int samples, double temperature, int threads, int typedSet, int gainSet) {
    public static final Options DEFAULT = new Options(80, 16, 0.8, 2, 100, 0);

    public Options withPerBucket(int n) {
      return new Options(n, samples, temperature, threads, typedSet, gainSet);
    }

    public Options withTemperature(double t) {
      return new Options(perBucket, samples, t, threads, typedSet, gainSet);
    }

    public Options withGainSet(int n) {
      return new Options(perBucket, samples, temperature, threads, typedSet, n);
    }
  }

  /** The buckets of the voting-gain check: where the card's 80 problems per bucket are too few to tell its size. */
  static final List<Bucket> GAIN_BUCKETS = List.of(Bucket.HARD, Bucket.HARDER, Bucket.HARDEST);

  /**
   * SC@k against greedy on the same problems: both accuracies, and the paired gain's standard error
   * (the standard deviation of the per-problem difference, right minus right, over the square root of n).
   */
  public record GainRow(String label, int problems, double greedy, double sc, double standardError) {
    public double gain() {
      return sc - greedy;
    }

    static GainRow of(String label, boolean[] greedyRight, boolean[] scRight) {
      int n = greedyRight.length;
      double g = 0, v = 0, sum = 0, sumSq = 0;
      for (int i = 0; i < n; i++) {
        int d = (scRight[i] ? 1 : 0) - (greedyRight[i] ? 1 : 0);
        g += greedyRight[i] ? 1 : 0;
        v += scRight[i] ? 1 : 0;
        sum += d;
        sumSq += d * d;
      }
      double mean = sum / n;
      double variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 0;
      return new GainRow(label, n, g / n, v / n, Math.sqrt(Math.max(0, variance) / n));
    }
  }

  /** Accuracies of one bucket (or of the typed set), in [0, 1]. */
  public record Row(String label, int problems, double greedy, double sc4, double sc16,
      double forced25, double forced50, double forced75, double meanGreedyTokens) {}

  /** The whole table. */
  public record Report(List<Row> rows, List<GainRow> gain, Options options, long millis) {
    public String toMarkdown() {
      StringBuilder sb = new StringBuilder();
      sb.append("| bucket | problems | greedy | SC@4 | SC@").append(options.samples())
          .append(" | forced @25% | forced @50% | forced @75% | greedy tokens |\n");
      sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Row r : rows) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f |%n",
            r.label(), r.problems(), 100 * r.greedy(), 100 * r.sc4(), 100 * r.sc16(),
            100 * r.forced25(), 100 * r.forced50(), 100 * r.forced75(), r.meanGreedyTokens()));
      }
      return sb.toString();
    }

    /** The voting-gain check as a Markdown table (empty when it was not run). */
    public String gainMarkdown() {
      if (gain.isEmpty()) return "";
      StringBuilder sb = new StringBuilder();
      sb.append("| buckets | problems | greedy | SC@").append(options.samples()).append(" | SC@").append(options.samples())
          .append(" minus greedy (pts) | standard error (pts) |\n|---|---:|---:|---:|---:|---:|\n");
      for (GainRow g : gain) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% | %.1f%% | %+.1f | %.1f |%n",
            g.label(), g.problems(), 100 * g.greedy(), 100 * g.sc(), 100 * g.gain(), 100 * g.standardError()));
      }
      return sb.toString();
    }
  }

  private Evaluator() {}

  /** FAST: one greedy answer. */
  public static Plan greedyPlan() {
    return Plan.fast(MAX_TOKENS);
  }

  /** Self-consistency over {@code k} samples at {@code temperature}, drawn in waves of at most 16, never stopped early. */
  public static Plan selfConsistencyPlan(int k, double temperature) {
    return Plan.selfConsistency(new Mode.SelfConsistency(k, Math.min(k, 16), StoppingRules.never(), null, false), MAX_TOKENS)
        .withSampling(new Sampling(temperature, 1.0, 0, 0));
  }

  /** The sampling seed a problem is asked with (a client's seed hint): the same wherever the problem is measured. */
  public static long samplingSeed(Problem p) {
    return p.expression().hashCode() & 0xffff_ffffL;
  }

  /** A problem as bench live asks it: its prompt, with its {@link #samplingSeed} as the client's seed hint. */
  static Request request(Problem p) {
    return Request.of(p.prompt()).withHints(Request.Hints.NONE.withSeed(samplingSeed(p)));
  }

  /** Whether an outcome's answer is the problem's. */
  public static boolean correct(Outcome o, Problem p) {
    return o instanceof Outcome.Answered a
        && String.valueOf(Answers.normalize(a.answer())).equals(Answers.normalize(Long.toString(p.answer())));
  }

  public static Report evaluate(Path modelDir, Options o, PrintStream log) {
    long start = System.currentTimeMillis();
    ProblemSet set = ProblemSet.fixed(ProblemSet.DEFAULT_SEED, o.perBucket());
    try (DjlBackend backend = DjlBackend.builder().modelDirectory(modelDir).workers(o.threads()).build();
        ExecutorService pool = Executors.newFixedThreadPool(o.threads())) {
      ComputeController[] controllers = {
          controller(backend, greedyPlan(), 1),
          controller(backend, selfConsistencyPlan(4, o.temperature()), 4),
          controller(backend, selfConsistencyPlan(o.samples(), o.temperature()), o.samples())};
      Map<String, List<Problem>> groups = new LinkedHashMap<>();
      for (Bucket b : Bucket.values()) groups.put(b.label(), set.byBucket(b));
      if (o.typedSet() > 0) groups.put("typed set", typedProblems(o.typedSet()));
      List<Row> rows = new ArrayList<>();
      for (var group : groups.entrySet()) {
        List<Future<double[]>> futures = new ArrayList<>();
        for (Problem p : group.getValue()) {
          futures.add(pool.submit(() -> p == null ? new double[7] : score(backend, controllers, p)));
        }
        double[] sum = new double[7];
        for (Future<double[]> f : futures) {
          double[] r = f.get();
          for (int i = 0; i < sum.length; i++) sum[i] += r[i];
        }
        int n = futures.size();
        Row row = new Row(group.getKey(), n, sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n, sum[4] / n, sum[5] / n, sum[6] / n);
        rows.add(row);
        log.printf(Locale.ROOT, "%-9s greedy %.3f  sc4 %.3f  sc%d %.3f  forced25 %.3f forced50 %.3f forced75 %.3f%n",
            row.label(), row.greedy(), row.sc4(), o.samples(), row.sc16(), row.forced25(), row.forced50(), row.forced75());
      }
      List<GainRow> gain = o.gainSet() > 0 ? gainCheck(pool, controllers, o, log) : List.of();
      return new Report(rows, gain, o, System.currentTimeMillis() - start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("evaluation failed", e.getCause());
    }
  }

  /**
   * Greedy against SC@k on the first {@code o.gainSet()} problems of each of {@link #GAIN_BUCKETS} of
   * the benchmark set's seed (its first {@code perBucket} are the table's problems), per bucket and
   * pooled: the table's 80 problems per bucket leave a standard error of about 3 points on a gain.
   */
  private static List<GainRow> gainCheck(ExecutorService pool, ComputeController[] controllers, Options o, PrintStream log)
      throws InterruptedException, java.util.concurrent.ExecutionException {
    ProblemSet set = ProblemSet.fixed(ProblemSet.DEFAULT_SEED, o.gainSet());
    List<GainRow> rows = new ArrayList<>();
    int all = GAIN_BUCKETS.size() * o.gainSet();
    boolean[] allGreedy = new boolean[all], allSc = new boolean[all];
    int filled = 0;
    for (Bucket b : GAIN_BUCKETS) {
      List<Future<boolean[]>> futures = new ArrayList<>();
      for (Problem p : set.byBucket(b)) {
        futures.add(pool.submit(() -> new boolean[] {correct(controllers[0].run(request(p)), p), correct(controllers[2].run(request(p)), p)}));
      }
      int from = filled;
      for (Future<boolean[]> f : futures) {
        boolean[] r = f.get();
        allGreedy[filled] = r[0];
        allSc[filled++] = r[1];
      }
      GainRow row = GainRow.of(b.label(), java.util.Arrays.copyOfRange(allGreedy, from, filled),
          java.util.Arrays.copyOfRange(allSc, from, filled));
      rows.add(row);
      log.printf(Locale.ROOT, "gain check %-8s %d problems  greedy %.3f  sc%d %.3f  gain %+.1f pts (se %.1f)%n", row.label(),
          row.problems(), row.greedy(), o.samples(), row.sc(), 100 * row.gain(), 100 * row.standardError());
    }
    rows.add(GainRow.of("hard + harder + hardest", allGreedy, allSc));
    return rows;
  }

  /** The typed set's questions as parsed problems; a question the parser refuses is null (it scores 0 everywhere). */
  static List<@org.jspecify.annotations.Nullable Problem> typedProblems(int n) {
    List<@org.jspecify.annotations.Nullable Problem> out = new ArrayList<>();
    for (TypedQuestions.Question q : TypedQuestions.draw(n, TypedQuestions.EVALUATION_SEED)) {
      try {
        out.add(QuestionParser.parseProblem(q.text())); // parsed once, as ask parses it
      } catch (IllegalArgumentException refused) {
        out.add(null);
      }
    }
    return out;
  }

  private static ComputeController controller(DjlBackend backend, Plan plan, int samples) {
    return ComputeController.builder().backend(backend).plan(plan).budget(Budget.ofTokens((long) samples * MAX_TOKENS)).build();
  }

  /** greedy, sc4, scN, forced25, forced50, forced75 (each 0/1) and greedy tokens. */
  private static double[] score(DjlBackend backend, ComputeController[] controllers, Problem p) {
    Request request = request(p);
    double[] r = new double[7];
    Outcome greedy = controllers[0].run(request);
    r[0] = correct(greedy, p) ? 1 : 0;
    r[1] = correct(controllers[1].run(request), p) ? 1 : 0;
    r[2] = correct(controllers[2].run(request), p) ? 1 : 0;
    double[] fracs = {0.25, 0.5, 0.75};
    for (int i = 0; i < 3; i++) r[3 + i] = forced(backend, p, (int) Math.floor(fracs[i] * p.ops())) ? 1 : 0;
    r[6] = greedy.spend().outputTokens();
    return r;
  }

  /** Greedy answer after the first {@code steps} reference thinking lines and a forced {@code </think>A:}. */
  static boolean forced(DjlBackend backend, Problem p, int steps) {
    String full = p.forcedCompletion(steps);
    String prefix = p.prompt() + full.substring(0, full.lastIndexOf(ArithmeticTask.ANSWER_MARKER) + ArithmeticTask.ANSWER_MARKER.length());
    Generation g = backend.generate(GenerationRequest.of(prefix, 1, 12, Sampling.GREEDY), TokenListener.NONE).getFirst();
    return AnswerChecker.isCorrect(ArithmeticTask.ANSWER_MARKER + g.text(), p);
  }

  /**
   * {@code Evaluator MODEL_DIR [perBucket] [temperature] [--card FILE [--train-log FILE]
   * [--random-order F] [--swap F] [--typed F] [--minutes M] [--steps N] [--lr F] [--seed N]
   * [--torch-threads N] [--earlier-run ARGS]...]}: prints the Markdown table; with {@code --card}
   * also writes the model card around it, stating the training mix (the {@link
   * dev.bursar.arithmetic.TrainingExamples.Mix} fractions the model was trained with; default those
   * of {@link Trainer.Settings#DEFAULT}), the time limit and the training run's PyTorch threads
   * (default 1) in its reproduce command; each {@code --earlier-run} is the {@code train-model}
   * arguments of a run the last one continued from, in order ({@code --first-run} is the old name).
   */
  public static void main(String[] args) throws java.io.IOException {
    List<String> pos = new ArrayList<>();
    Path card = null;
    List<Path> trainLogs = new ArrayList<>();
    List<String> earlierRuns = new ArrayList<>();
    Trainer.Settings t = Trainer.Settings.DEFAULT;
    TrainingExamples.Mix mix = Trainer.Settings.DEFAULT.mix();
    long minutes = Trainer.Settings.DEFAULT.maxDuration().toMinutes();
    int torchThreads = 1;
    int gainSet = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--card" -> card = Path.of(args[++i]);
        case "--train-log" -> trainLogs.add(Path.of(args[++i]));
        case "--first-run", "--earlier-run" -> earlierRuns.add(args[++i]);
        case "--lr" -> t = t.withLearningRate(Float.parseFloat(args[++i]));
        case "--seed" -> t = t.withSeed(Long.parseLong(args[++i]));
        case "--steps" -> t = t.withSteps(Integer.parseInt(args[++i]));
        case "--random-order" -> mix = mix.withRandomOrderFraction(Double.parseDouble(args[++i]));
        case "--swap" -> mix = mix.withSwapFraction(Double.parseDouble(args[++i]));
        case "--typed" -> mix = mix.withTypedFraction(Double.parseDouble(args[++i]));
        case "--minutes" -> minutes = Long.parseLong(args[++i]);
        case "--torch-threads" -> torchThreads = Integer.parseInt(args[++i]);
        case "--gain-set" -> gainSet = Integer.parseInt(args[++i]);
        default -> pos.add(args[i]);
      }
    }
    if (pos.isEmpty()) {
      System.err.println("usage: Evaluator MODEL_DIR [perBucket] [temperature] [--card FILE [--train-log FILE]..."
          + " [--random-order F] [--swap F] [--typed F] [--minutes M] [--steps N] [--lr F] [--seed N] [--torch-threads N] [--gain-set N]"
          + " [--earlier-run \"TRAIN-MODEL ARGS\"]...]");
      System.exit(2);
    }
    Options o = Options.DEFAULT.withGainSet(gainSet);
    if (pos.size() > 1) o = o.withPerBucket(Integer.parseInt(pos.get(1)));
    if (pos.size() > 2) o = o.withTemperature(Double.parseDouble(pos.get(2)));
    Path dir = Path.of(pos.get(0));
    Report r = evaluate(dir, o, System.out);
    System.out.println();
    System.out.print(r.toMarkdown());
    if (!r.gain().isEmpty()) System.out.print(System.lineSeparator() + r.gainMarkdown());
    System.out.printf(Locale.ROOT, "%n(%d problems per bucket, SC temperature %.2f, %.1f s)%n", o.perBucket(), o.temperature(), r.millis() / 1000.0);
    if (card != null) {
      t = t.withMix(mix).withMaxDuration(java.time.Duration.ofMinutes(minutes));
      java.nio.file.Files.writeString(card, modelCard(dir, r, trainLogs, t, earlierRuns, torchThreads));
    }
  }

  private static String plain(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /**
   * The model card: what the model is, how it was trained ({@code t}, with {@code torchThreads}
   * PyTorch threads; when {@code earlierRuns} names the arguments of earlier {@code train-model}
   * runs, in order, each continuing from the one before, {@code t} is the last run's, continuing
   * from theirs), and the measured table.
   */
  static String modelCard(Path dir, Report r, List<Path> trainLogs, Trainer.Settings t, List<String> earlierRuns,
      int torchThreads) throws java.io.IOException {
    var c = dev.bursar.backends.djl.internal.LlamaConfig.read(dir.resolve("config.json"));
    var mix = t.mix();
    StringBuilder sb = new StringBuilder();
    sb.append("# bursar embedded model: arithmetic with thinking\n\n");
    sb.append("A ").append(String.format(Locale.ROOT, "%,d", c.parameterCount()))
        .append("-parameter decoder-only transformer of the Llama family (RMSNorm, rotary position embeddings, SwiGLU MLP, ")
        .append("grouped-query attention), trained from scratch by `bursar train-model` with DJL PyTorch on the synthetic task of ")
        .append("`dev.bursar.arithmetic`: multi-step integer arithmetic (+, -, *, parentheses) with a chain of thought in a ")
        .append("`<think>` segment, one reduction per line, then `A:<answer>`. A product of two multi-digit numbers is worked ")
        .append("by partial products on its line (`35*23=35*20+35*3=700+105=805`), so the model never multiplies two ")
        .append("multi-digit numbers in one go, and a chain may run below zero (`10-29=-19`, `9-39=-30;-30+30`). ")
        .append("About a third of the training examples cut the thinking ")
        .append("at a random step and force the answer right after it, so an answer can be probed at any step boundary; ")
        .append("the forcing text (`</think>A:`) carries no loss, because stopping there is the controller's decision, not ")
        .append("the model's (weights trained with it had learned to close their thinking at once: 20 of ")
        .append("the 25 typed-set misses of the earlier embedded weights were answered with no thinking at all).");
    sb.append(String.format(Locale.ROOT,
        " Training mix: %.0f%% of the problems drawn like the questions people type (`TypedQuestions.problem`: two or three "
            + "numbers up to 99 with + - *, products up to 970,299, negative results), the rest from the difficulty buckets; "
            + "%.0f%% of the chains in a random admissible reduction order (`ArithmeticTask.randomOrder`), the rest canonical; "
            + "each `+`/`*` step has its operands swapped with probability %.2f (`ArithmeticTask.swapOperands`: `81*92` is "
            + "worked by the partial products of 92, `92*81` by those of 81), so sampled chains can reach the same product "
            + "through different token sequences (`TrainingExamples.Mix(weights, %.2f, %.2f, %.2f, %.2f)`: forced, random "
            + "order, swap, typed).%n%n",
        100 * mix.typedFraction(), 100 * mix.randomOrderFraction(), mix.swapFraction(), mix.forcedFraction(),
        mix.randomOrderFraction(), mix.swapFraction(), mix.typedFraction()));
    sb.append("| | |\n|---|---|\n");
    sb.append(String.format(Locale.ROOT, "| architecture | %s, hidden %d, %d layers, %d query heads / %d KV heads (head dim %d), MLP %d, %s head |%n",
        c.modelType(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(),
        c.intermediateSize(), c.tieWordEmbeddings() ? "tied" : "untied"));
    sb.append(String.format(Locale.ROOT, "| vocabulary | %d character tokens (`tokenizer.json`, Hugging Face format) |%n", c.vocabSize()));
    sb.append(String.format(Locale.ROOT, "| training | Adam, peak lr %.0e, %d warm-up steps, cosine decay, batch %d sequences, seed %d, "
            + "loss on thinking + answer only, the evaluation problems and the first %d questions of the typed set excluded |%n",
        t.learningRate(), t.warmupSteps(), t.batchSize(), t.seed(), Trainer.TYPED_HELD_OUT));
    sb.append("| files | `config.json`, `model.safetensors` (F32, Hugging Face tensor names), `tokenizer.json` |\n\n");
    sb.append("Why this size: the earlier 0.4M-parameter model (hidden 96) multiplied two-digit numbers in one step and got them ")
        .append("wrong; worked partial products make every step a one-digit-factor product or a sum, and twice the width gives room ")
        .append("for the longer chains and negative values while a run still fits in under an hour on 2 CPU cores (about 10,000 tokens/s).\n\n");
    if (!earlierRuns.isEmpty()) {
      StringBuilder runs = new StringBuilder("a first from a random initialisation (`train-model " + earlierRuns.get(0) + "`)");
      for (int i = 1; i < earlierRuns.size(); i++) runs.append(", then one from its weights (`train-model ").append(earlierRuns.get(i)).append("`)");
      sb.append(String.format(Locale.ROOT, "Trained in %d runs: %s, then a last from those weights with its own warm-up and cosine "
          + "schedule (peak lr %.0e, seed %d, %d minutes, typed fraction %.2f).%n%n", earlierRuns.size() + 1, runs,
          t.learningRate(), t.seed(), t.maxDuration().toMinutes(), mix.typedFraction()));
    }
    for (Path trainLog : trainLogs) {
      if (!java.nio.file.Files.exists(trainLog)) continue;
      List<String> lines = java.nio.file.Files.readAllLines(trainLog).stream()
          .filter(l -> l.startsWith("train-model") || l.startsWith("step")).toList();
      long header = lines.stream().takeWhile(l -> l.startsWith("train-model")).count();
      sb.append("Training log (first and last lines):\n\n```\n");
      for (int i = 0; i < lines.size(); i++) if (i < header + 1 || i >= lines.size() - 3) sb.append(lines.get(i)).append('\n');
      sb.append("```\n\n");
    }
    sb.append(String.format(Locale.ROOT, "## Accuracy per difficulty bucket%n%nExact match on `ProblemSet.fixed(%d, %d)` (%d problems per bucket, never seen in training) ",
        dev.bursar.arithmetic.ProblemSet.DEFAULT_SEED, r.options().perBucket(), r.options().perBucket()));
    sb.append(String.format(Locale.ROOT, "and on the typed set (`TypedQuestions.draw(%d, %d)`, the questions of `bursar ask --typed-set %d`, "
        + "parsed as `ask` parses them; a refused question counts as wrong). ", r.options().typedSet(), TypedQuestions.EVALUATION_SEED,
        r.options().typedSet()));
    sb.append("Greedy and SC@k run through the `ComputeController` with the plans and per-problem seeds of `bursar bench live` ")
        .append("(`Evaluator.greedyPlan`, `selfConsistencyPlan`, `samplingSeed`), so its FAST and SC@k rows on the same problems are these. ");
    sb.append(String.format(Locale.ROOT, "Greedy: one answer at temperature 0. SC@k: majority vote of the answers of k samples at temperature %.1f. ", r.options().temperature()));
    sb.append("Forced @x%: the reference thinking is cut after floor(x% of the steps), `</think>A:` appended, and the answer decoded greedily. ");
    sb.append("Greedy tokens: mean output tokens of the greedy answer.\n\n");
    sb.append(r.toMarkdown()).append('\n');
    sb.append("SC@").append(r.options().samples()).append(" minus greedy, in points:");
    for (Row row : r.rows()) sb.append(String.format(Locale.ROOT, " %s %+.1f;", row.label(), 100 * (row.sc16() - row.greedy())));
    sb.append(" Where this is near zero the model's errors are systematic (its samples agree on the same wrong answer), ")
        .append("so voting cannot fix them; forced answers show how much of the answer is settled at each point of the thinking.\n\n");
    if (!r.gain().isEmpty()) {
      sb.append(String.format(Locale.ROOT, "### SC@%d against greedy on %d problems per bucket%n%n", r.options().samples(), r.options().gainSet()))
          .append(String.format(Locale.ROOT, "On %d problems a bucket a gain's standard error is about 3 points, so the gains above move by ", r.options().perBucket()))
          .append("several points from one draw of problems to another. The same plans and seeds on the first ")
          .append(String.format(Locale.ROOT, "%d problems of each top bucket of `ProblemSet.fixed(%d, %d)` (the first %d of each are the table's; ",
              r.options().gainSet(), ProblemSet.DEFAULT_SEED, r.options().gainSet(), r.options().perBucket()))
          .append("the rest were not held out of training by name, but these buckets have far more distinct problems than training draws):\n\n")
          .append(r.gainMarkdown()).append('\n');
    }
    sb.append("Buckets (from `dev.bursar.arithmetic.Bucket`): easy 1-2 operations on single digits; medium 2-3 operations, 1-2 digits; ")
        .append("hard 3-4 operations, 1-2 digits, some parentheses; harder 4 operations, 1-2 digits, more parentheses; ")
        .append("hardest 4-5 operations on 2-digit numbers, more products; values up to 99, 999, 9,999, 9,999 and 99,999 in magnitude.\n\n");
    sb.append(String.format(Locale.ROOT, "Measured in %.0f s. Reproduce:%n%n```%n", r.millis() / 1000.0));
    String mixArgs = String.format(Locale.ROOT, " --random-order %s --swap %s --typed %s",
        plain(mix.randomOrderFraction()), plain(mix.swapFraction()), plain(mix.typedFraction()));
    long minutes = t.maxDuration().toMinutes();
    String envThreads = torchThreads == 1 ? "" : "BURSAR_TORCH_THREADS=" + torchThreads + " ";
    String javaThreads = torchThreads == 1 ? "" : " -Dai.djl.pytorch.num_threads=" + torchThreads;
    String steps = t.steps() == Trainer.Settings.DEFAULT.steps() ? "" : " --steps " + t.steps();
    String runArgs = String.format(Locale.ROOT, " --minutes %d%s%s --lr %s --seed %d", minutes, steps, mixArgs,
        plain(Double.parseDouble(Float.toString(t.learningRate()))), t.seed());
    if (!earlierRuns.isEmpty()) {
      for (int i = 0; i < earlierRuns.size(); i++) {
        sb.append(String.format(Locale.ROOT, "%s./bursar train-model --out /tmp/model%d%s %s%n", envThreads, i + 1,
            i == 0 ? "" : " --init /tmp/model" + i, earlierRuns.get(i)));
      }
      sb.append(String.format(Locale.ROOT, "%s./bursar train-model --out /tmp/model --init /tmp/model%d%s%n", envThreads,
          earlierRuns.size(), runArgs));
    } else {
      sb.append(String.format(Locale.ROOT, "%s./bursar train-model --out /tmp/model%s%n", envThreads, runArgs));
      sb.append(String.format(Locale.ROOT, "# or: java%s -cp ... dev.bursar.backends.djl.train.Trainer /tmp/model %d %d%s%n",
          javaThreads, t.steps(), minutes, mixArgs));
    }
    sb.append(String.format(Locale.ROOT, "java -cp ... dev.bursar.backends.djl.train.Evaluator /tmp/model %d %.1f --card MODEL_CARD.md%s%s%s%n```%n",
        r.options().perBucket(), r.options().temperature(), runArgs,
        (torchThreads == 1 ? "" : " --torch-threads " + torchThreads) + (r.options().gainSet() == 0 ? "" : " --gain-set " + r.options().gainSet()),
        earlierRuns.stream().map(a -> " --earlier-run \"" + a + "\"").collect(java.util.stream.Collectors.joining())));
    sb.append("\nThe learning-rate schedule follows the further of step count and wall time (`progress` in the log), and a run "
        + "stops at its time limit, so the weights are reproduced bit for bit only where the step count leads throughout; "
        + "elsewhere (another machine, another number of PyTorch threads: `BURSAR_TORCH_THREADS` for `./bursar`, "
        + "`-Dai.djl.pytorch.num_threads` for `java`) the same recipe, data and seed give a close but not identical model.\n");
    return sb.toString();
  }
}
