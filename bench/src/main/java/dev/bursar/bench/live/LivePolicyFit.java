package dev.bursar.bench.live;

import dev.bursar.arithmetic.Problem;
import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.controller.Answers;
import dev.bursar.controller.Backend;
import dev.bursar.controller.Budget;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.Mode;
import dev.bursar.controller.Plan;
import dev.bursar.controller.ReasoningFormat;
import dev.bursar.controller.Request;
import dev.bursar.controller.RunRecord;
import dev.bursar.controller.StoppingRules;
import dev.bursar.controller.ThinkingExit;
import dev.bursar.controller.WhiteBoxBackend;
import dev.bursar.estimators.PrefillProbeEstimator;
import dev.bursar.policies.PolicyFile;
import dev.bursar.trace.TraceCodec;
import dev.bursar.trace.TraceRecord;
import dev.bursar.tuner.PrefillProbeFit;
import dev.bursar.tuner.Question;
import dev.bursar.tuner.RemainingLengthFit;
import dev.bursar.tuner.TemperatureChoice;
import dev.bursar.tuner.Tuner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Fits bursar's estimators and policy for the live benchmark on the model being measured, so they
 * follow the weights: SC@16 samples (the first one greedy with {@code --greedy-first}) on a separate seeded set of training problems become a pool
 * (each sample marked right or wrong by the task's exact checker), the tuner fits on it exactly as
 * {@code bursar tune} does, and the fitted policies join the methods. The pool and the policy file
 * are written beside the report, so {@code bursar tune --traces DIR/tune-pool.jsonl} refits by hand (a greedy-first pool is tuned greedy-first: its plans say so).
 */
final class LivePolicyFit {
  static final int CAP = 16;

  record Fitted(List<LiveMethod> methods, Tuner.Result tuning, List<TraceRecord> pool) {}

  private LivePolicyFit() {}

  /**
   * @param reference the temperature the fixed plans sample at
   * @param temperatures the temperatures the policy may sample at: a fitting pool is sampled at each and
   *     {@link TemperatureChoice} picks one, aiming at SC@16's accuracy at {@code reference} (always among them)
   * @param deepSearchRoute run DEEP_SEARCH on the training problems, so the compute-optimal policies may route to it
   * @param prefillProbe also fit the white-box variant (on a {@link WhiteBoxBackend})
   */
  static Fitted fit(Backend backend, List<Problem> training, boolean greedyFirst, double reference, List<Double> temperatures,
      boolean deepSearchRoute, boolean prefillProbe, Path out, PrintStream progress) throws IOException {
    Map<Double, List<TraceRecord>> pools = new java.util.TreeMap<>();
    pools.put(reference, samplePool(backend, training, greedyFirst, reference, out.resolve("tune-pool.jsonl"), progress));
    for (double t : temperatures) {
      if (t != reference) {
        pools.put(t, samplePool(backend, training, greedyFirst, t, out.resolve(String.format(Locale.ROOT, "tune-pool-t%.2f.jsonl", t)), progress));
      }
    }
    List<TraceRecord> records = pools.get(reference);
    var deepSearch = deepSearchRoute ? deepSearchRuns(backend, training, reference, progress) : null;
    var options = Tuner.Options.target(0.005, greedyFirst ? SampleOrder.GREEDY_FIRST : SampleOrder.RANDOM,
        "bursar bench live (SC@" + CAP + " on " + training.size() + " training problems)").withDeepSearch(deepSearch);
    Map<Double, List<Question>> questions = new java.util.TreeMap<>();
    pools.forEach((t, r) -> questions.put(t, Tuner.questions(r)));
    var chosen = TemperatureChoice.choose(questions, reference, options, progress);
    var result = chosen.at(reference).result();
    for (var p : chosen.result().routed()) {
      if (p.param() != chosen.result().chosen().param()) continue;
      progress.printf(Locale.ROOT, "  lambda %.2g with DEEP_SEARCH below P(right) %.1f: %.1f%% for %.0f tokens (cross-validated)%s%n", p.param(),
          p.deepBelow(), 100 * p.accuracy(), p.tokens(), p.equals(chosen.result().chosen()) ? "   <- chosen" : "");
    }
    // One sample at a time, as the tuner simulated; each sample capped as the fixed plans are.
    PolicyFile policy = chosen.policy().withServing(CAP, 1, LiveMethod.MAX_TOKENS);
    policy.write(out.resolve("policy.json"));
    PolicyFile threshold = result.thresholdPolicy().withServing(CAP, 1, LiveMethod.MAX_TOKENS);
    var fallback = Plan.fast(LiveMethod.MAX_TOKENS);
    List<LiveMethod> methods = new ArrayList<>(List.of(
        new LiveMethod(String.format(Locale.ROOT, "bursar compute-optimal (fitted, lambda %.2g, T = %.1f)", policy.lambda(), chosen.temperature()),
            "bursar", policy.lambda(), fallback, LiveMethod.ROOMY, policy.policy(), policy.estimator()),
        new LiveMethod(String.format(Locale.ROOT, "bursar threshold baseline (FAST if P(right) >= %.2f)", threshold.threshold()),
            "bursar-threshold", threshold.threshold(), fallback, LiveMethod.ROOMY, threshold.policy(), threshold.estimator())));
    if (prefillProbe && backend instanceof WhiteBoxBackend wb) {
      var c = chosen.at(chosen.temperature());
      methods.add(withPrefillProbe(wb, pools.get(c.temperature()), c.temperature(), c.targetDrop(), greedyFirst, deepSearch, out, progress));
    }
    return new Fitted(methods, result, records);
  }

  /**
   * {@return the step-confidence DEEP_SEARCH run once on each training problem (by the pool's qid), which the
   * tuner may route the hardest queries to; null when the backend cannot feed it}
   */
  private static Tuner.@Nullable DeepSearchRuns deepSearchRuns(Backend backend, List<Problem> training, double temperature, PrintStream progress) {
    Plan plan = LiveMethod.deepSearch(temperature);
    if (!dev.bursar.controller.Signal.availableFrom(backend.capabilities()).containsAll(plan.requires())) return null;
    var controller = ComputeController.builder().backend(backend).plan(plan).budget(LiveMethod.ROOMY).build();
    Map<Long, Tuner.DeepSearchRuns.Run> runs = new java.util.HashMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < training.size(); i++) {
      Problem p = training.get(i);
      var o = controller.run(Request.of(p.prompt()).withHints(Request.Hints.NONE.withSeed(500_000L + i)));
      runs.put((long) i, new Tuner.DeepSearchRuns.Run(dev.bursar.backends.djl.train.Evaluator.correct(o, p) ? 1 : 0, o.spend().outputTokens()));
    }
    progress.printf(Locale.ROOT, "  DEEP_SEARCH (%s) on the %d training problems, for the policy's route (%.1f s)%n", plan.describe(),
        training.size(), (System.nanoTime() - start) / 1e9);
    return new Tuner.DeepSearchRuns(plan, runs);
  }

  /**
   * {@return SC@16 samples at {@code temperature} on each training problem, each marked right or wrong,
   * as a pool written to {@code file}}
   */
  private static List<TraceRecord> samplePool(Backend backend, List<Problem> training, boolean greedyFirst, double temperature, Path file,
      PrintStream progress) throws IOException {
    RunRecord[] last = new RunRecord[1];
    // With greedyFirst the first sample is FAST's answer and the fitted policy draws the same way (it can stop after it).
    var plan = Plan.selfConsistency(new Mode.SelfConsistency(CAP, CAP, StoppingRules.never(), null, false, greedyFirst), LiveMethod.MAX_TOKENS)
        .withSampling(LiveMethod.sampling(temperature));
    var controller = ComputeController.builder().backend(backend).plan(plan).budget(LiveMethod.ROOMY).traceSink(r -> last[0] = r).build();
    List<TraceRecord> records = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < training.size(); i++) {
      Problem p = training.get(i);
      controller.run(Request.of(p.prompt()).withHints(Request.Hints.NONE.withSeed(500_000L + i)));
      String gold = Answers.normalize(Long.toString(p.answer()));
      List<TraceRecord.Sample> samples = new ArrayList<>();
      for (RunRecord.Sample s : last[0].samples()) {
        String key = Answers.normalize(s.answer());
        samples.add(new TraceRecord.Sample(s.text(), s.answer(), key != null && key.equals(gold), s.outputTokens(), s.meanLogprobOrNull(), s.verifierScoreOrNull(),
            s.finish().name().toLowerCase(Locale.ROOT)));
      }
      records.add(new TraceRecord(TraceRecord.SCHEMA_VERSION, "embedded-live-tune", i, p.prompt(), Long.toString(p.answer()),
          backend.name(), "arithmetic", samples, plan.describe(), Map.of(), null));
      if ((i + 1) % 50 == 0 || i + 1 == training.size()) {
        progress.printf(Locale.ROOT, "  fitting pool at T = %.2f: %d/%d training problems sampled at SC@%d (%.1f s)%n", temperature, i + 1,
            training.size(), CAP, (System.nanoTime() - start) / 1e9);
      }
    }
    Files.createDirectories(file.getParent());
    var lines = new StringBuilder();
    for (TraceRecord r : records) lines.append(TraceCodec.encode(r)).append('\n');
    Files.writeString(file, lines, StandardCharsets.UTF_8);
    return records;
  }

  /**
   * The white-box variant: the difficulty prior read from the model's hidden state at the end of the
   * prompt ({@link PrefillProbeFit}) instead of the prompt's text, the stop model refitted on it, the
   * probe written beside the policy as {@code prefill-probe.properties}.
   */
  private static LiveMethod withPrefillProbe(WhiteBoxBackend wb, List<TraceRecord> records, double temperature, double targetDrop,
      boolean greedyFirst, Tuner.@Nullable DeepSearchRuns deepSearch, Path out,
      PrintStream progress) throws IOException {
    List<Question> questions = Tuner.questions(records);
    long start = System.nanoTime();
    var probe = PrefillProbeFit.fit(questions, layer -> {
      float[][] h = new float[questions.size()][];
      for (int i = 0; i < h.length; i++) h[i] = wb.hiddenStates(questions.get(i).prompt(), layer, new int[] {-1})[0];
      return h;
    }, wb.layers(), progress);
    progress.printf(Locale.ROOT, "  prefill probe: layer %d, held-out log-loss %.4f against the text estimator's %.4f (%.1f s)%n",
        probe.probe().layer(), probe.probeLogLoss(), probe.textLogLoss(), (System.nanoTime() - start) / 1e9);
    Map<Long, Double> prior = new java.util.HashMap<>();
    for (int i = 0; i < questions.size(); i++) prior.put(questions.get(i).qid(), probe.outOfFold()[i]);
    var options = Tuner.Options.target(targetDrop, greedyFirst ? SampleOrder.GREEDY_FIRST : SampleOrder.RANDOM,
        "bursar bench live (SC@" + CAP + " on " + records.size() + " training problems, prefill-probe prior)").withPrior(q -> prior.get(q.qid()))
        .withDeepSearch(deepSearch);
    var result = Tuner.tune(questions, options, progress);
    PolicyFile policy = result.policy().withTemperature(temperature).withServing(CAP, 1, LiveMethod.MAX_TOKENS);
    policy.write(out.resolve("policy-prefill-probe.json"));
    probe.probe().write(out.resolve("prefill-probe.properties"), String.format(Locale.ROOT,
        "Prefill difficulty probe (bursar bench live): P(one sample is right | hidden state after layer %d at the last prompt token).%n"
            + "Held-out log-loss per sample %.4f; the text estimator's on the same folds %.4f.", probe.probe().layer(), probe.probeLogLoss(),
        probe.textLogLoss()));
    return new LiveMethod(String.format(Locale.ROOT, "bursar compute-optimal + prefill probe (fitted, lambda %.2g)", policy.lambda()),
        "bursar-prefill-probe", policy.lambda(), Plan.fast(LiveMethod.MAX_TOKENS), LiveMethod.ROOMY, policy.policy(),
        new PrefillProbeEstimator(policy.estimator(), wb, probe.probe()));
  }

  /** Chains per training problem the remaining-length head is fitted on (the pool's first samples). */
  static final int LENGTH_CHAINS = 4;

  /**
   * The remaining-length head ({@link RemainingLengthFit}) on the first chains of the fitting pool,
   * written as {@code remaining-length.properties}, and FAST under the forced budget with the head
   * driving budget forcing.
   */
  static LiveMethod withRemainingLength(WhiteBoxBackend wb, List<TraceRecord> pool, int forcedBudget, Path out, PrintStream progress) {
    List<RemainingLengthFit.Chain> chains = new ArrayList<>();
    for (TraceRecord r : pool) {
      for (int i = 0; i < Math.min(LENGTH_CHAINS, r.samples().size()); i++) {
        chains.add(new RemainingLengthFit.Chain((int) r.qid(), r.question(), r.samples().get(i).text()));
      }
    }
    long start = System.nanoTime();
    var fit = RemainingLengthFit.fit(chains, ReasoningFormat.THINK_TAGS, t -> wb.encode(t).length, wb::hiddenStates, wb.layers(), progress);
    progress.printf(Locale.ROOT, "  remaining-length head: layer %d, penalty %.0f, held-out MAE %.2f tokens against a constant's %.2f "
        + "(%d step ends of %d chains, %.1f s)%n", fit.head().layer(), fit.penalty(), fit.headMae(), fit.constantMae(), fit.rows(),
        fit.chains(), (System.nanoTime() - start) / 1e9);
    fit.head().write(out.resolve("remaining-length.properties"), String.format(Locale.ROOT,
        "Remaining-length head (bursar bench live): log(1 + thinking tokens still to come) from the hidden state after layer %d "
            + "at the end of a reasoning step.%nHeld-out mean absolute error %.2f tokens; a constant's %.2f (%d step ends of %d chains).",
        fit.head().layer(), fit.headMae(), fit.constantMae(), fit.rows(), fit.chains()));
    return new LiveMethod("FAST + remaining-length forcing (" + forcedBudget + " tokens)", "fast-length-forcing", (double) forcedBudget,
        Plan.fast(LiveMethod.MAX_TOKENS, new ThinkingExit.RemainingLengthForcing(fit.head(), LiveMethod.ANSWER_TOKENS)),
        Budget.ofTokens(forcedBudget));
  }

  /**
   * FAST under the forced budget with budget forcing driven by the fitted estimator's length forecast
   * (its Gamma for each query, {@link dev.bursar.policies.LengthForecastPolicy}): the black-box
   * counterpart of the remaining-length head.
   */
  static LiveMethod withLengthForecast(Fitted fitted, int forcedBudget) {
    Plan plan = Plan.fast(LiveMethod.MAX_TOKENS, new ThinkingExit.BudgetForcing(LiveMethod.ANSWER_TOKENS));
    return new LiveMethod("FAST + length-forecast forcing (" + forcedBudget + " tokens)", "fast-forecast-forcing", (double) forcedBudget,
        plan, Budget.ofTokens(forcedBudget), new dev.bursar.policies.LengthForecastPolicy(dev.bursar.controller.Policy.fixed(plan)),
        fitted.tuning().policy().estimator());
  }

  /** Costs per sample at which the live anchor is run (each a full pass over the problems). */
  static final double[] BAYES_STOP_COSTS = {0.002, 0.005, 0.01, 0.02};

  /**
   * {@return the published anchor on the embedded model: self-consistency (at most 16, one sample at a time)
   * stopped by optimal Bayesian stopping whose prior is the fitting pool's answer distributions, at each cost}
   */
  static List<LiveMethod> withBayesianStop(Fitted fitted, double temperature) {
    var prior = dev.bursar.policies.BayesianStop.fit(fitted.pool().stream().map(TraceRecord::voteKeys).toList(), 16);
    List<LiveMethod> methods = new ArrayList<>();
    for (double cost : BAYES_STOP_COSTS) {
      Plan plan = Plan.selfConsistency(new Mode.SelfConsistency(16, 1, prior.rule(cost), null, false), LiveMethod.MAX_TOKENS)
          .withSampling(LiveMethod.sampling(temperature));
      methods.add(new LiveMethod(String.format(Locale.ROOT, "SC + Bayesian stop c=%s (max 16, prior of %d fitting problems)", cost,
          prior.questions()), "bayes-stop", cost, plan, LiveMethod.ROOMY));
    }
    return methods;
  }
}
