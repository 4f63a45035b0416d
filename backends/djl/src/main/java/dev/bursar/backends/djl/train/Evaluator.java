package dev.bursar.backends.djl.train;

import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.backends.djl.task.AnswerChecker;
import dev.bursar.backends.djl.task.ArithmeticTask;
import dev.bursar.backends.djl.task.Bucket;
import dev.bursar.backends.djl.task.Problem;
import dev.bursar.backends.djl.task.ProblemSet;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
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

  /** {@code Evaluator MODEL_DIR [perBucket] [temperature]}: prints the Markdown table. */
  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: Evaluator MODEL_DIR [perBucket] [temperature]");
      System.exit(2);
    }
    Options o = Options.DEFAULT;
    if (args.length > 1) o = new Options(Integer.parseInt(args[1]), o.samples(), o.temperature(), o.seed(), o.threads());
    if (args.length > 2) o = new Options(o.perBucket(), o.samples(), Double.parseDouble(args[2]), o.seed(), o.threads());
    Report r = evaluate(Path.of(args[0]), o, System.out);
    System.out.println();
    System.out.print(r.toMarkdown());
    System.out.printf(Locale.ROOT, "%n(%d problems per bucket, SC temperature %.2f, %.1f s)%n", o.perBucket(), o.temperature(), r.millis() / 1000.0);
  }
}
