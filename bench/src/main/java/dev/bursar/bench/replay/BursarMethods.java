package dev.bursar.bench.replay;

import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.Estimator;
import dev.bursar.controller.Features;
import dev.bursar.controller.Request;
import dev.bursar.policies.PolicyFile;
import dev.bursar.trace.Pool;
import dev.bursar.tuner.Question;
import dev.bursar.tuner.Tuner;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * bursar's families for the replay benchmark, fitted on each pool's tune half by the same code as
 * {@code bursar tune} and then scored on the test half like every baseline: the compute-optimal
 * policy at every lambda of the tuner's grid, with the point the tuner chose for "SC at the cap minus
 * 0.5 points", and the threshold baseline at its chosen threshold. The test half never informs a fit.
 */
final class BursarMethods {
  /** Accuracy the chosen point may give up against SC at the cap on the tune half (0.5 points). */
  static final double TARGET_DROP = 0.005;

  /** What the benchmark adds for one pool: the methods and what the tuner found. */
  record Fitted(List<Method> methods, Tuner.Result tuning, ReplayResults.PriorQuality prior) {}

  private BursarMethods() {}

  static @Nullable Fitted forPool(Pool pool, SampleOrder order, long splitSeed, PrintStream progress) {
    return forPool(pool, order, splitSeed, 0, progress);
  }

  /**
   * @param toldNoise standard deviation of the Gaussian noise added to the log-odds of the P(right)
   *     the hindsight reference is told (0: told exactly), seeded by question id: how good a
   *     difficulty prior must be
   */
  static @Nullable Fitted forPool(Pool pool, SampleOrder order, long splitSeed, double toldNoise, PrintStream progress) {
    // Every record read once: the tune half fits, the test half scores the priors, all of them tell the reference.
    List<Question> all = Tuner.questions(pool.records());
    List<Question> questions = all.stream().filter(q -> !Split.isTest(splitSeed, q.qid())).toList();
    List<Question> test = all.stream().filter(q -> Split.isTest(splitSeed, q.qid())).toList();
    if (questions.size() < Tuner.MIN_QUESTIONS) {
      progress.printf("%-40s only %d tune-half questions with known correctness: bursar not fitted%n", pool.name(), questions.size());
      return null;
    }
    progress.printf("%-40s tuning on %d tune-half questions%n", pool.name(), questions.size());
    String command = "bursar bench replay (tune half of " + pool.name() + ", split seed " + splitSeed + ")";
    Tuner.Result result = Tuner.tune(questions, Tuner.Options.target(TARGET_DROP, order, command), progress);
    int max = pool.maxSamples();
    // Replay draws one sample at a time and never cuts a recorded sample.
    PolicyFile fitted = result.policy().withServing(max, 1, Integer.MAX_VALUE);
    List<Method> methods = new ArrayList<>();
    double chosen = result.policy().lambda();
    boolean chosenListed = false;
    for (int i = 0; i < Tuner.LAMBDAS.length; i++) {
      double lambda = Tuner.LAMBDAS[i];
      boolean isChosen = lambda == chosen;
      chosenListed |= isChosen;
      String name = isChosen ? String.format(Locale.ROOT, "bursar (chosen, lambda %.2g)", lambda)
          : String.format(Locale.ROOT, "bursar lambda %.2g", lambda);
      methods.add(Method.policy(name, "bursar", lambda, fitted.withLambda(lambda).policy(), fitted.estimator(), max, isChosen));
    }
    if (!chosenListed) throw new IllegalStateException("the chosen lambda " + chosen + " is not on the grid");
    methods.addAll(toldPRight(pool, questions, all, order, command, toldNoise, progress));
    PolicyFile threshold = result.thresholdPolicy().withServing(max, 1, Integer.MAX_VALUE);
    methods.add(Method.policy(String.format(Locale.ROOT, "bursar-threshold (FAST if P(right) >= %.2f)", threshold.threshold()),
        "bursar-threshold", threshold.threshold(), threshold.policy(), threshold.estimator(), max, false));
    return new Fitted(methods, result, priorQuality(questions, test, result.policy().estimator(), toldNoise));
  }

  /** {@return each prior's mean log-loss per test-half sample: the tune half's rate, the estimator's, the told one} */
  static ReplayResults.PriorQuality priorQuality(List<Question> tune, List<Question> test, Estimator estimator, double toldNoise) {
    double rate = Tuner.rightRate(tune);
    double constant = 0, estimated = 0, told = 0;
    long n = 0;
    for (Question q : test) {
      double e = estimator.estimate(Request.of(q.prompt()), Features.NONE).pCorrect();
      double t = told(q, toldNoise);
      for (boolean c : q.correct()) {
        constant += logLoss(rate, c);
        estimated += logLoss(Double.isNaN(e) ? rate : e, c);
        told += logLoss(t, c);
        n++;
      }
    }
    return n == 0 ? new ReplayResults.PriorQuality(Double.NaN, Double.NaN, Double.NaN)
        : new ReplayResults.PriorQuality(constant / n, estimated / n, told / n);
  }

  private static double logLoss(double p, boolean right) {
    double clamped = Math.clamp(p, 1e-3, 1 - 1e-3);
    return -Math.log(right ? clamped : 1 - clamped);
  }

  /** Family of {@link #toldPRight}: needs every question's outcome, so it is an unreachable reference. */
  static final String TOLD = "bursar-told-p";

  /**
   * bursar told each question's P(one sample is right) exactly (the fraction of its samples that are
   * right, known only in hindsight) instead of the text estimator's guess: fitted by the same tuner on
   * the tune half with that prior, and scored on the test half with the test questions' own. The gap
   * between this family and bursar's is what a perfect difficulty prior would be worth; with
   * {@code noise}, what a prior that far from perfect would be worth.
   */
  private static List<Method> toldPRight(Pool pool, List<Question> questions, List<Question> all, SampleOrder order, String command,
      double noise, PrintStream progress) {
    progress.printf("%-40s tuning again, told each question's P(right)%s (hindsight reference)%n", pool.name(),
        noise > 0 ? String.format(Locale.ROOT, " with noise %.2g on its log-odds", noise) : "");
    ToDoubleFunction<Question> told = q -> told(q, noise);
    var options = Tuner.Options.target(TARGET_DROP, order, command + ", told P(right)").withPrior(told);
    Tuner.Result result = Tuner.tune(questions, options, progress);
    int max = pool.maxSamples();
    PolicyFile fitted = result.policy().withServing(max, 1, Integer.MAX_VALUE);
    Map<String, Double> byQid = new HashMap<>();
    for (Question q : all) byQid.put(Long.toString(q.qid()), told.applyAsDouble(q));
    Estimator base = fitted.estimator();
    Estimator hindsight = (request, features) -> {
      var e = base.estimate(request, features);
      Double p = byQid.get(request.metadata().get("qid"));
      return p == null ? e : new Estimate(p, e.lengthShape(), e.lengthScale(), e.source() + "+hindsight P(right)");
    };
    String label = noise > 0 ? String.format(Locale.ROOT, "bursar told P(right) with noise %.2g", noise) : "bursar told P(right)";
    List<Method> methods = new ArrayList<>();
    for (double lambda : Tuner.LAMBDAS) {
      methods.add(Method.policy(String.format(Locale.ROOT, "%s, lambda %.2g (hindsight)", label, lambda), TOLD, lambda,
          fitted.withLambda(lambda).policy(), hindsight, max, false));
    }
    return methods;
  }

  /** {@return the fraction of {@code q}'s samples that are right, with Gaussian noise of {@code noise} on its log-odds} */
  static double told(Question q, double noise) {
    double p = Tuner.rightRate(List.of(q));
    if (noise == 0) return p;
    double clamped = Math.clamp(p, 0.02, 0.98); // finite log-odds for questions always or never right
    double logOdds = Math.log(clamped / (1 - clamped)) + noise * new Random(q.qid() * 7919L + 13).nextGaussian();
    return 1 / (1 + Math.exp(-logOdds));
  }
}
