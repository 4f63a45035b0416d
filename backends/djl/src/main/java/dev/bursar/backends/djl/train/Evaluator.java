package dev.bursar.backends.djl.train;

import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.arithmetic.AnswerChecker;
import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.Bucket;
import dev.bursar.arithmetic.Problem;
import dev.bursar.arithmetic.ProblemSet;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures a checkpoint on the task's fixed evaluation set ({@link ProblemSet#fixed}), per
 * difficulty bucket: greedy accuracy, self-consistency (majority vote of sampled answers) at 4 and
 * 16 samples, and the answer forced after 25/50/75% of the reference thinking (the Dynasor-style
 * probe: {@code </think>A:} appended at a step boundary). Produces the table of {@code MODEL_CARD.md}.
 *
 * <p>Run: {@code java -cp ... dev.bursar.backends.djl.train.Evaluator MODEL_DIR [perBucket] [temperature]}.
 */
public final class Evaluator {

  /** Settings of an evaluation. */
  public record Options(int perBucket, int samples, double temperature, long seed, int threads) {
    public static final Options DEFAULT = new Options(80, 16, 0.8, 7, 2);
  }

  /** Accuracies of one bucket, in [0, 1]. */
  public record Row(Bucket bucket, int problems, double greedy, double sc4, double sc16,
      double forced25, double forced50, double forced75, double meanGreedyTokens) {}

  /** The whole table. */
  public record Report(List<Row> rows, Options options, long millis) {
    public String toMarkdown() {
      StringBuilder sb = new StringBuilder();
      sb.append("| bucket | problems | greedy | SC@4 | SC@").append(options.samples())
          .append(" | forced @25% | forced @50% | forced @75% | greedy tokens |\n");
      sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Row r : rows) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f |%n",
            r.bucket().label(), r.problems(), 100 * r.greedy(), 100 * r.sc4(), 100 * r.sc16(),
            100 * r.forced25(), 100 * r.forced50(), 100 * r.forced75(), r.meanGreedyTokens()));
      }
      return sb.toString();
    }
  }

  private Evaluator() {}

  public static Report evaluate(Path modelDir, Options o, PrintStream log) {
    long start = System.currentTimeMillis();
    ProblemSet set = ProblemSet.fixed(ProblemSet.DEFAULT_SEED, o.perBucket());
    try (DjlBackend backend = DjlBackend.builder().modelDirectory(modelDir).workers(o.threads()).build();
        ExecutorService pool = Executors.newFixedThreadPool(o.threads())) {
      List<Row> rows = new ArrayList<>();
      for (Bucket b : Bucket.values()) {
        List<Future<double[]>> futures = new ArrayList<>();
        for (Problem p : set.byBucket(b)) futures.add(pool.submit(() -> score(backend, p, o)));
        double[] sum = new double[7];
        for (Future<double[]> f : futures) {
          double[] r = f.get();
          for (int i = 0; i < sum.length; i++) sum[i] += r[i];
        }
        int n = futures.size();
        Row row = new Row(b, n, sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n, sum[4] / n, sum[5] / n, sum[6] / n);
        rows.add(row);
        log.printf(Locale.ROOT, "%-8s greedy %.3f  sc4 %.3f  sc%d %.3f  forced25 %.3f forced50 %.3f forced75 %.3f%n",
            b.label(), row.greedy(), row.sc4(), o.samples(), row.sc16(), row.forced25(), row.forced50(), row.forced75());
      }
      return new Report(rows, o, System.currentTimeMillis() - start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("evaluation failed", e.getCause());
    }
  }

  /** greedy, sc4, scN, forced25, forced50, forced75 (each 0/1) and greedy tokens. */
  private static double[] score(DjlBackend backend, Problem p, Options o) {
    int maxTokens = ArithmeticTask.MAX_SEQUENCE_TOKENS;
    Generation g = backend.generate(GenerationRequest.of(p.prompt(), 1, maxTokens, Sampling.GREEDY), TokenListener.NONE).getFirst();
    Sampling sampling = new Sampling(o.temperature(), 1.0, 0, o.seed() ^ p.expression().hashCode());
    List<Generation> samples = backend.generate(GenerationRequest.of(p.prompt(), o.samples(), maxTokens, sampling), TokenListener.NONE);
    double[] r = new double[7];
    r[0] = AnswerChecker.isCorrect(g.text(), p) ? 1 : 0;
    // sequence i's random stream depends only on (seed, i), so the first 4 of 16 are exactly an n=4 call
    r[1] = vote(samples.subList(0, Math.min(4, samples.size()))) == p.answer() ? 1 : 0;
    r[2] = vote(samples) == p.answer() ? 1 : 0;
    double[] fracs = {0.25, 0.5, 0.75};
    for (int i = 0; i < 3; i++) r[3 + i] = forced(backend, p, (int) Math.floor(fracs[i] * p.ops())) ? 1 : 0;
    r[6] = g.outputTokens();
    return r;
  }

  /** Greedy answer after the first {@code steps} reference thinking lines and a forced {@code </think>A:}. */
  static boolean forced(DjlBackend backend, Problem p, int steps) {
    String full = p.forcedCompletion(steps);
    String prefix = p.prompt() + full.substring(0, full.lastIndexOf(ArithmeticTask.ANSWER_MARKER) + ArithmeticTask.ANSWER_MARKER.length());
    Generation g = backend.generate(GenerationRequest.of(prefix, 1, 12, Sampling.GREEDY), TokenListener.NONE).getFirst();
    return AnswerChecker.isCorrect(ArithmeticTask.ANSWER_MARKER + g.text(), p);
  }

  /** {@return the most frequent extracted answer (first seen wins ties), or Long.MIN_VALUE when none} */
  static long vote(List<Generation> samples) {
    Map<Long, Integer> counts = new LinkedHashMap<>();
    for (Generation s : samples) {
      OptionalLong a = AnswerChecker.extractAnswer(s.text());
      if (a.isPresent()) counts.merge(a.getAsLong(), 1, Integer::sum);
    }
    long best = Long.MIN_VALUE;
    int bestCount = 0;
    for (var e : counts.entrySet()) {
      if (e.getValue() > bestCount) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    return best;
  }

  /**
   * {@code Evaluator MODEL_DIR [perBucket] [temperature] [--card FILE [--train-log FILE]
   * [--random-order F] [--swap F] [--minutes M] [--torch-threads N]]}: prints the Markdown table;
   * with {@code --card}
   * also writes the model card around it, stating the training mix ({@code --random-order}, {@code
   * --swap}: the {@link dev.bursar.arithmetic.TrainingExamples.Mix} fractions the model was
   * trained with, default 0), the time limit ({@code --minutes}, default 24) and the training run's
   * PyTorch threads ({@code --torch-threads}, default 1) in its reproduce command.
   */
  public static void main(String[] args) throws java.io.IOException {
    List<String> pos = new ArrayList<>();
    Path card = null;
    Path trainLog = null;
    double randomOrder = 0;
    double swap = 0;
    long minutes = Trainer.Settings.DEFAULT.maxDuration().toMinutes();
    int torchThreads = 1;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--card")) card = Path.of(args[++i]);
      else if (args[i].equals("--train-log")) trainLog = Path.of(args[++i]);
      else if (args[i].equals("--random-order")) randomOrder = Double.parseDouble(args[++i]);
      else if (args[i].equals("--swap")) swap = Double.parseDouble(args[++i]);
      else if (args[i].equals("--minutes")) minutes = Long.parseLong(args[++i]);
      else if (args[i].equals("--torch-threads")) torchThreads = Integer.parseInt(args[++i]);
      else pos.add(args[i]);
    }
    if (pos.isEmpty()) {
      System.err.println("usage: Evaluator MODEL_DIR [perBucket] [temperature] [--card FILE [--train-log FILE]"
          + " [--random-order F] [--swap F] [--minutes M] [--torch-threads N]]");
      System.exit(2);
    }
    Options o = Options.DEFAULT;
    if (pos.size() > 1) o = new Options(Integer.parseInt(pos.get(1)), o.samples(), o.temperature(), o.seed(), o.threads());
    if (pos.size() > 2) o = new Options(o.perBucket(), o.samples(), Double.parseDouble(pos.get(2)), o.seed(), o.threads());
    Path dir = Path.of(pos.get(0));
    Report r = evaluate(dir, o, System.out);
    System.out.println();
    System.out.print(r.toMarkdown());
    System.out.printf(Locale.ROOT, "%n(%d problems per bucket, SC temperature %.2f, %.1f s)%n", o.perBucket(), o.temperature(), r.millis() / 1000.0);
    if (card != null) {
      Trainer.Settings t = Trainer.Settings.DEFAULT
          .withMix(Trainer.Settings.DEFAULT.mix().withRandomOrderFraction(randomOrder).withSwapFraction(swap))
          .withMaxDuration(java.time.Duration.ofMinutes(minutes));
      java.nio.file.Files.writeString(card, modelCard(dir, r, trainLog, t, torchThreads));
    }
  }

  private static String plain(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /** The model card for a model trained with {@link Trainer.Settings#DEFAULT}. */
  static String modelCard(Path dir, Report r, @org.jspecify.annotations.Nullable Path trainLog) throws java.io.IOException {
    return modelCard(dir, r, trainLog, Trainer.Settings.DEFAULT, 1);
  }

  /**
   * The model card: what the model is, how it was trained ({@code t}, with {@code torchThreads}
   * PyTorch threads), and the measured table.
   */
  static String modelCard(
      Path dir, Report r, @org.jspecify.annotations.Nullable Path trainLog, Trainer.Settings t, int torchThreads)
      throws java.io.IOException {
    var c = dev.bursar.backends.djl.internal.LlamaConfig.read(dir.resolve("config.json"));
    var mix = t.mix();
    boolean canonical = mix.randomOrderFraction() == 0 && mix.swapFraction() == 0;
    StringBuilder sb = new StringBuilder();
    sb.append("# bursar embedded model: arithmetic with thinking\n\n");
    sb.append("A ").append(String.format(Locale.ROOT, "%,d", c.parameterCount()))
        .append("-parameter decoder-only transformer of the Llama family (RMSNorm, rotary position embeddings, SwiGLU MLP, ")
        .append("grouped-query attention), trained from scratch by `bursar train-model` with DJL PyTorch on the synthetic task of ")
        .append("`dev.bursar.arithmetic`: multi-step integer arithmetic (+, -, *, parentheses) with a chain of thought in a ")
        .append("`<think>` segment, one reduction per line, then `A:<answer>`. About a third of the training examples cut the thinking ")
        .append("at a random step and force the answer right after it, so an answer can be probed at any step boundary.");
    if (canonical) {
      sb.append(" Every training chain is in the canonical reduction order with operands as written.\n\n");
    } else {
      sb.append(String.format(Locale.ROOT,
          " Training mix: %.0f%% of the chains in a random admissible reduction order (`ArithmeticTask.randomOrder`), the rest "
              + "canonical; in every chain each `+`/`*` step has its operands swapped with probability %.2f "
              + "(`ArithmeticTask.swapOperands`: `81*92=7452` as well as `92*81=7452`), so sampled chains can compute the "
              + "same products and sums through different token sequences (`TrainingExamples.Mix(weights, %.2f, %.2f, %.2f)`: "
              + "forced, random order, swap).%n%n",
          100 * mix.randomOrderFraction(), mix.swapFraction(), mix.forcedFraction(), mix.randomOrderFraction(),
          mix.swapFraction()));
    }
    sb.append("| | |\n|---|---|\n");
    sb.append(String.format(Locale.ROOT, "| architecture | %s, hidden %d, %d layers, %d query heads / %d KV heads (head dim %d), MLP %d, %s head |%n",
        c.modelType(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(),
        c.intermediateSize(), c.tieWordEmbeddings() ? "tied" : "untied"));
    sb.append(String.format(Locale.ROOT, "| vocabulary | %d character tokens (`tokenizer.json`, Hugging Face format) |%n", c.vocabSize()));
    sb.append(String.format(Locale.ROOT, "| training | Adam, peak lr %.0e, %d warm-up steps, cosine decay, batch %d sequences, seed %d, loss on thinking + answer only, evaluation problems excluded |%n",
        t.learningRate(), t.warmupSteps(), t.batchSize(), t.seed()));
    sb.append("| files | `config.json`, `model.safetensors` (F32, Hugging Face tensor names), `tokenizer.json` |\n\n");
    if (trainLog != null && java.nio.file.Files.exists(trainLog)) {
      List<String> lines = java.nio.file.Files.readAllLines(trainLog).stream()
          .filter(l -> l.startsWith("train-model") || l.startsWith("step")).toList();
      sb.append("Training log (first and last lines):\n\n```\n");
      for (int i = 0; i < lines.size(); i++) if (i < 3 || i >= lines.size() - 3) sb.append(lines.get(i)).append('\n');
      sb.append("```\n\n");
    }
    sb.append(String.format(Locale.ROOT, "## Accuracy per difficulty bucket%n%nExact match on `ProblemSet.fixed(%d, %d)` (%d problems per bucket, never seen in training). ",
        dev.bursar.arithmetic.ProblemSet.DEFAULT_SEED, r.options().perBucket(), r.options().perBucket()));
    sb.append(String.format(Locale.ROOT, "Greedy: one answer at temperature 0. SC@k: majority vote of the answers of k samples at temperature %.1f. ", r.options().temperature()));
    sb.append("Forced @x%: the reference thinking is cut after floor(x% of the steps), `</think>A:` appended, and the answer decoded greedily. ");
    sb.append("Greedy tokens: mean output tokens of the greedy answer.\n\n");
    sb.append(r.toMarkdown()).append('\n');
    sb.append("SC@").append(r.options().samples()).append(" minus greedy, in points:");
    for (Row row : r.rows()) sb.append(String.format(Locale.ROOT, " %s %+.1f;", row.bucket().label(), 100 * (row.sc16() - row.greedy())));
    sb.append(" Where this is near zero the model's errors are systematic (its samples agree on the same wrong answer), ")
        .append("so voting cannot fix them; forced answers show how much of the answer is settled at each point of the thinking.\n\n");
    sb.append("Buckets (from `dev.bursar.arithmetic.Bucket`): easy 1-2 operations on single digits; medium 2-3 operations, 1-2 digits; ")
        .append("hard 3-4 operations with some parentheses; harder 4-5 operations on 2-digit numbers; hardest 5-6 operations, 2-3 digits, values up to 99,999.\n\n");
    sb.append(String.format(Locale.ROOT, "Measured in %.0f s. Reproduce:%n%n```%n", r.millis() / 1000.0));
    String mixArgs = canonical ? "" : String.format(Locale.ROOT, " --random-order %s --swap %s",
        plain(mix.randomOrderFraction()), plain(mix.swapFraction()));
    long minutes = t.maxDuration().toMinutes();
    String minutesArg = minutes == Trainer.Settings.DEFAULT.maxDuration().toMinutes() ? "" : " --minutes " + minutes;
    String trainerMinutes = " " + t.steps() + " " + minutes;
    String envThreads = torchThreads == 1 ? "" : "BURSAR_TORCH_THREADS=" + torchThreads + " ";
    String javaThreads = torchThreads == 1 ? "" : " -Dai.djl.pytorch.num_threads=" + torchThreads;
    sb.append(String.format(Locale.ROOT, "%s./bursar train-model --out /tmp/model%s%s%n", envThreads, minutesArg, mixArgs));
    sb.append(String.format(Locale.ROOT, "# or: java%s -cp ... dev.bursar.backends.djl.train.Trainer /tmp/model%s%s%n",
        javaThreads, canonical && minutesArg.isEmpty() ? "" : trainerMinutes, mixArgs));
    sb.append(String.format(Locale.ROOT, "java -cp ... dev.bursar.backends.djl.train.Evaluator /tmp/model %d %.1f --card MODEL_CARD.md%s%s%s%n```%n",
        r.options().perBucket(), r.options().temperature(), mixArgs, minutesArg,
        torchThreads == 1 ? "" : " --torch-threads " + torchThreads));
    sb.append("\nThe learning-rate schedule follows the further of step count and wall time (`progress` in the log), and a run "
        + "stops at its time limit, so the weights are reproduced bit for bit only where the step count leads throughout; "
        + "elsewhere (another machine, another number of PyTorch threads: `BURSAR_TORCH_THREADS` for `./bursar`, "
        + "`-Dai.djl.pytorch.num_threads` for `java`) the same recipe, data and seed give a close but not identical model.\n");
    return sb.toString();
  }
}
