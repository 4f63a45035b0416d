package dev.bursar.bench.replay;

import dev.bursar.trace.Pool;
import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.controller.Answers;
import dev.bursar.pot.ProgramAnswers;
import dev.bursar.trace.TraceRecord;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Replays every pool through every {@link Method} on the pool's test half: like Caffeine's
 * simulator, quality against compute measured offline on real recorded outputs.
 */
public final class ReplayBenchmark {

  /**
   * @param order stored (deterministic) or random (seeded permutations)
   * @param seeds number of permutations averaged with the random order (ignored for stored)
   * @param splitSeed seed of the tune/test split
   * @param extraMethods pool-specific methods added after the baselines, fitted on the tune half
   *     (bursar's families), with what the tuner found; null for none
   */
  public record Options(SampleOrder order, int seeds, long splitSeed, Function<Pool, BursarMethods.@Nullable Fitted> extraMethods) {
    public Options {
      if (seeds < 1) throw new IllegalArgumentException("seeds must be >= 1, was " + seeds);
    }
  }

  private ReplayBenchmark() {}

  public static ReplayResults run(List<Pool> pools, Options options, PrintStream progress) {
    int seeds = options.order() == SampleOrder.STORED ? 1 : options.seeds();
    List<ReplayResults.PoolResult> out = new ArrayList<>();
    for (Pool pool : pools) {
      long start = System.nanoTime();
      List<TraceRecord> test = pool.records().stream().filter(r -> Split.isTest(options.splitSeed(), r.qid())).toList();
      List<Long> qids = test.stream().map(TraceRecord::qid).toList();
      TraceRecord first = pool.records().isEmpty() ? null : pool.records().getFirst();
      String model = first == null ? "unknown" : first.model();
      String task = first == null ? "unknown" : first.task();
      if (pool.lengthOnly()) {
        progress.printf("%-40s length-only (no answers to vote on): reported, not replayed%n", pool.name());
        out.add(new ReplayResults.PoolResult(pool.name(), model, task, true, pool.maxSamples(), qids, null, List.of(), null, null));
        continue;
      }
      List<Method> methods = new ArrayList<>(Method.baselines(pool.maxSamples()));
      methods.addAll(Method.bayesianStop(pool.records().stream().filter(r -> !Split.isTest(options.splitSeed(), r.qid()))
          .map(TraceRecord::voteKeys).toList(), pool.maxSamples()));
      BursarMethods.Fitted fitted = options.extraMethods().apply(pool);
      if (fitted != null) methods.addAll(fitted.methods());
      // perSeed[m][s] = {accuracy, tokens, samples} means over test questions
      double[][][] perSeed = new double[methods.size()][seeds][3];
      for (int s = 0; s < seeds; s++) {
        var replay = new QuestionReplay(pool, options.order(), s);
        for (TraceRecord r : test) {
          for (int m = 0; m < methods.size(); m++) {
            var score = replay.run(r, methods.get(m));
            perSeed[m][s][0] += score.accuracy();
            perSeed[m][s][1] += score.tokens();
            perSeed[m][s][2] += score.samples();
          }
        }
        progress.printf("%-40s seed %d/%d done (%d test questions, %d methods)%n",
            pool.name(), s + 1, seeds, test.size(), methods.size());
        if (replay.fallbacks() > 0) {
          throw new IllegalStateException(pool.name() + ": " + replay.fallbacks() + " decisions fell back: a fitted policy or estimator failed");
        }
      }
      List<ReplayResults.MethodResult> results = new ArrayList<>();
      for (int m = 0; m < methods.size(); m++) {
        double[][] v = new double[3][seeds];
        for (int s = 0; s < seeds; s++) for (int j = 0; j < 3; j++) v[j][s] = perSeed[m][s][j] / Math.max(1, test.size());
        Method meth = methods.get(m);
        results.add(new ReplayResults.MethodResult(meth.name(), meth.family(), meth.param(),
            Stats.mean(v[0]), Stats.mean(v[1]), Stats.mean(v[2]),
            Stats.ci95(v[0]), Stats.ci95(v[1]), Stats.ci95(v[2]), meth.chosen()));
      }
      out.add(new ReplayResults.PoolResult(pool.name(), model, task, false, pool.maxSamples(), qids,
          extractorAgreement(pool), results, fitted == null ? null : fitted.tuning(),
          fitted == null ? null : fitted.prior()));
      progress.printf("%-40s done in %.1f s%n", pool.name(), (System.nanoTime() - start) / 1e9);
    }
    return new ReplayResults(options.order().name().toLowerCase(java.util.Locale.ROOT), seeds, options.splitSeed(), out);
  }

  /**
   * {@return the fraction of samples with text whose answer extracted by bursar from the raw text
   * normalises to the pool's own answer (both absent counts as agreement); null without texts}
   * Program-of-thought samples are run by the opt-in sandboxed interpreter ({@link ProgramAnswers}).
   */
  static Double extractorAgreement(Pool pool) {
    long agree = 0, total = 0;
    for (TraceRecord r : pool.records()) {
      for (TraceRecord.Sample s : r.samples()) {
        if (s.text() == null) continue;
        total++;
        String ours = Answers.normalize(ProgramAnswers.read(s.text()).orElse(null));
        if (Objects.equals(ours, Answers.normalize(s.answer()))) agree++;
      }
    }
    return total == 0 ? null : (double) agree / total;
  }
}
