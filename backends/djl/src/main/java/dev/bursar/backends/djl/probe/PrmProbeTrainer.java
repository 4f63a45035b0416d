package dev.bursar.backends.djl.probe;

import dev.bursar.arithmetic.AnswerChecker;
import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.Bucket;
import dev.bursar.arithmetic.Problem;
import dev.bursar.arithmetic.ProblemSet;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.LinearProbe;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import dev.bursar.controller.WhiteBoxBackend;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Trains a process reward probe on the model's own rollouts (docs/ALGORITHMS.md §5, §8).
 *
 * <ol>
 *   <li><b>Problems.</b> {@code ceil(rollouts / samplesPerProblem)} distinct problems, spread evenly
 *       over the {@link Bucket}s, drawn from a generator seeded with {@link Options#seed()}; every
 *       problem of the benchmark set {@link ProblemSet#standard()} is skipped.
 *   <li><b>Split by problem.</b> Within each bucket the problems are shuffled (seeded) into train
 *       (60%), validation (20%) and test (20%), so all rollouts and steps of one problem land in one
 *       split.
 *   <li><b>Rollouts.</b> {@code samplesPerProblem} completions of the prompt {@code Q:<expr>\n}
 *       sampled at {@link Options#temperature()} (default 0.8: near the controller's sampling, hot
 *       enough that both right and wrong steps occur), up to {@link
 *       ArithmeticTask#MAX_SEQUENCE_TOKENS} tokens.
 *   <li><b>Labels.</b> {@link StepEvents#of}: one event per complete thinking line, labelled with
 *       {@link dev.bursar.arithmetic.StepCheck#correct()} (this step and every earlier one
 *       valid), plus one for the answer line (no wrong step and the answer is right).
 *   <li><b>Features.</b> The hidden state after layer {@code L} at the event's {@code \n}: one
 *       {@link WhiteBoxBackend#hiddenStates} call per rollout and layer with all event positions. By
 *       causality this is the state the controller's verifier reads with {@code hiddenStates(prompt
 *       + thinking, L, {-1})}.
 *   <li><b>Fit and choice.</b> For every layer and L2 strength in {@link Options#lambdas()}, an
 *       {@linkplain LogisticRegression L2 logistic regression} on the train split; the (layer,
 *       lambda) with the best validation AUC wins. Each layer is then refitted with its best lambda
 *       on train + validation and scored on the untouched test split; the chosen layer's refit is the
 *       probe.
 * </ol>
 *
 * <p>For comparison the report also gives the test AUC of the step-confidence verifier (mean
 * log-probability of the tokens of the step) on the same events. Deterministic for a given model,
 * device and options; progress goes to the log stream.
 */
public final class PrmProbeTrainer {

  /** Default seed of the problems, the split and the sampling. */
  public static final long DEFAULT_SEED = 20_251_125L;

  private PrmProbeTrainer() {}

  /** Which split a problem is in. */
  public enum Split { TRAIN, VALIDATION, TEST }

  /**
   * Settings of a run.
   *
   * @param rollouts rollouts to sample (rounded up to a multiple of {@code samplesPerProblem})
   * @param samplesPerProblem rollouts per problem
   * @param seed seed of the problems, the split and the sampling
   * @param temperature sampling temperature of the rollouts
   * @param lambdas L2 strengths tried on every layer
   * @param layers layers to try (1-based); empty means all
   * @param command the command line, recorded in the probe file
   */
  public record Options(int rollouts, int samplesPerProblem, long seed, double temperature, double[] lambdas,
      int[] layers, String command) {
    /** 6,000 rollouts, 4 per problem, temperature 0.8, lambdas 1e-5..1, all layers. */
    public static final Options DEFAULT = new Options(6000, 4, DEFAULT_SEED, 0.8,
        new double[] {1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1}, new int[0], "bursar train-probe");

    public Options {
      if (rollouts < 1) throw new IllegalArgumentException("rollouts must be >= 1, was " + rollouts);
      if (samplesPerProblem < 1) throw new IllegalArgumentException("samplesPerProblem must be >= 1, was " + samplesPerProblem);
      if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, was " + temperature);
      if (lambdas.length == 0) throw new IllegalArgumentException("no lambdas");
      lambdas = lambdas.clone();
      layers = layers.clone();
    }

    public Options withRollouts(int n) {
      return new Options(n, samplesPerProblem, seed, temperature, lambdas, layers, command);
    }

    public Options withSeed(long s) {
      return new Options(rollouts, samplesPerProblem, s, temperature, lambdas, layers, command);
    }

    public Options withTemperature(double t) {
      return new Options(rollouts, samplesPerProblem, seed, t, lambdas, layers, command);
    }

    public Options withSamplesPerProblem(int k) {
      return new Options(rollouts, k, seed, temperature, lambdas, layers, command);
    }

    public Options withLambdas(double... l) {
      return new Options(rollouts, samplesPerProblem, seed, temperature, l, layers, command);
    }

    public Options withLayers(int... l) {
      return new Options(rollouts, samplesPerProblem, seed, temperature, lambdas, l, command);
    }

    public Options withCommand(String c) {
      return new Options(rollouts, samplesPerProblem, seed, temperature, lambdas, layers, c);
    }
  }

  /**
   * One sampled completion with its labelled events.
   *
   * @param problem the problem
   * @param split its split
   * @param completion the generated text
   * @param events labelled step and answer events
   * @param stepConfidence mean token log-probability of each event's step (the text since the
   *     previous event), NaN where the token stream could not be aligned
   */
  public record Rollout(Problem problem, Split split, String completion, List<StepEvents.Event> events,
      double[] stepConfidence) {
    /** {@return whether the final answer is right} */
    public boolean answered() {
      return AnswerChecker.isCorrect(completion, problem);
    }
  }

  /**
   * The outcome of one layer.
   *
   * @param layer 1-based layer
   * @param lambda the L2 strength with the best validation AUC
   * @param validationAuc validation AUC of the train-only fit with that lambda
   * @param testAuc test AUC of the train + validation refit, all events
   * @param testAucSteps the same on step events only
   * @param testSiblingAuc the same over sibling pairs only ({@link Auc#withinGroups}: events of
   *     one test problem at the same step index, one right and one wrong), which is what step-level
   *     search needs
   */
  public record LayerResult(int layer, double lambda, double validationAuc, double testAuc, double testAucSteps,
      double testSiblingAuc) {}

  /**
   * Counts of one group of events.
   *
   * @param events events
   * @param positives events labelled correct
   */
  public record Count(int events, int positives) {
    /** {@return the fraction labelled correct} */
    public double baseRate() {
      return events == 0 ? Double.NaN : (double) positives / events;
    }
  }

  /**
   * What a run produced.
   *
   * @param probe the chosen probe (fitted on train + validation)
   * @param options the settings
   * @param layers per-layer results, layer order
   * @param chosen the chosen layer's result
   * @param problems problems sampled
   * @param rollouts rollouts sampled
   * @param rolloutsAnswered rollouts whose final answer is right
   * @param counts events per split (all kinds)
   * @param stepCount step events in all splits
   * @param answerCount answer events in all splits
   * @param confidenceTestAuc test AUC of the step-confidence baseline, all events
   * @param confidenceTestAucSteps the same on step events only
   * @param confidenceSiblingAuc the same over sibling pairs
   * @param siblingPairs right-wrong sibling pairs in the test split
   * @param bucketTest the chosen probe's test AUC and counts per bucket
   * @param elapsed wall time
   */
  public record Report(LinearProbe probe, Options options, List<LayerResult> layers, LayerResult chosen, int problems,
      int rollouts, int rolloutsAnswered, Map<Split, Count> counts, Count stepCount, Count answerCount,
      double confidenceTestAuc, double confidenceTestAucSteps, double confidenceSiblingAuc, long siblingPairs,
      Map<Bucket, BucketResult> bucketTest, Duration elapsed) {

    /** {@return all events over the splits} */
    public Count total() {
      int e = 0;
      int p = 0;
      for (Count c : counts.values()) {
        e += c.events();
        p += c.positives();
      }
      return new Count(e, p);
    }

    /** {@return a few comment lines for the probe file} */
    public String comment() {
      var sb = new StringBuilder();
      sb.append("Process reward probe for the embedded arithmetic model (bursar train-probe).\n");
      sb.append("P(every step so far is correct | hidden state after layer ").append(probe.layer())
          .append(" at the step's \\n).\n");
      sb.append(String.format(Locale.ROOT, "layer %d chosen by validation AUC %.4f (lambda %s); held-out test AUC %.4f "
          + "(steps only %.4f); step-confidence baseline test AUC %.4f%n", chosen.layer(), chosen.validationAuc(),
          fmt(chosen.lambda()), chosen.testAuc(), chosen.testAucSteps(), confidenceTestAuc));
      sb.append("per layer (test AUC): ");
      for (LayerResult r : layers) sb.append(String.format(Locale.ROOT, "L%d=%.4f ", r.layer(), r.testAuc()));
      sb.append('\n');
      sb.append(String.format(Locale.ROOT, "sibling AUC (right vs wrong candidate for the same problem and step, %d test "
          + "pairs): probe %.4f, step-confidence %.4f%n", siblingPairs, chosen.testSiblingAuc(), confidenceSiblingAuc));
      Count t = total();
      sb.append(String.format(Locale.ROOT, "%d rollouts of %d problems, %d events (%d steps, %d answers), base rate %.4f%n",
          rollouts, problems, t.events(), stepCount.events(), answerCount.events(), t.baseRate()));
      sb.append(String.format(Locale.ROOT, "seed %d, temperature %s, %d samples/problem, split by problem 60/20/20%n",
          options.seed(), fmt(options.temperature()), options.samplesPerProblem()));
      sb.append("command: ").append(options.command());
      return sb.toString();
    }

    /** {@return a Markdown summary} */
    public String toMarkdown() {
      var sb = new StringBuilder();
      Count t = total();
      sb.append(String.format(Locale.ROOT, "- rollouts: %d on %d problems (%d per problem), temperature %s, seed %d%n",
          rollouts, problems, options.samplesPerProblem(), fmt(options.temperature()), options.seed()));
      sb.append(String.format(Locale.ROOT, "- rollouts with the right final answer: %d (%.1f%%)%n", rolloutsAnswered,
          100.0 * rolloutsAnswered / Math.max(1, rollouts)));
      sb.append(String.format(Locale.ROOT, "- events: %d (%d step ends, %d answer ends); base rate (labelled correct) "
          + "%.4f overall, %.4f on steps, %.4f on answers%n", t.events(), stepCount.events(), answerCount.events(),
          t.baseRate(), stepCount.baseRate(), answerCount.baseRate()));
      sb.append("- split by problem:");
      for (Split s : Split.values()) {
        Count c = counts.get(s);
        sb.append(String.format(Locale.ROOT, " %s %d events (base rate %.4f);", s.name().toLowerCase(Locale.ROOT),
            c.events(), c.baseRate()));
      }
      sb.append("\n- wall time: ").append(elapsed.toSeconds()).append(" s\n\n");
      sb.append("| layer | best lambda | validation AUC | test AUC (all events) | test AUC (steps only) "
          + "| test sibling AUC (" + siblingPairs + " pairs) |\n");
      sb.append("|---:|---:|---:|---:|---:|---:|\n");
      for (LayerResult r : layers) {
        sb.append(String.format(Locale.ROOT, "| %d%s | %s | %.4f | %.4f | %.4f | %.4f |%n", r.layer(),
            r.layer() == chosen.layer() ? " (chosen)" : "", fmt(r.lambda()), r.validationAuc(), r.testAuc(),
            r.testAucSteps(), r.testSiblingAuc()));
      }
      sb.append(String.format(Locale.ROOT, "| step-confidence baseline | - | - | %.4f | %.4f | %.4f |%n%n",
          confidenceTestAuc, confidenceTestAucSteps, confidenceSiblingAuc));
      sb.append("| bucket | test events | base rate | test AUC (chosen layer) |\n|---|---:|---:|---:|\n");
      for (var e : bucketTest.entrySet()) {
        BucketResult b = e.getValue();
        sb.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f |%n", e.getKey().label(), b.count().events(),
            b.count().baseRate(), b.auc()));
      }
      return sb.toString();
    }
  }

  /**
   * The chosen probe on one bucket's test events.
   *
   * @param count events and positives
   * @param auc AUC (NaN when one class is missing)
   */
  public record BucketResult(Count count, double auc) {}

  /** Runs the whole pipeline: rollouts, features, fits, choice. */
  public static Report train(WhiteBoxBackend backend, Options o, PrintStream log) {
    long t0 = System.nanoTime();
    List<Rollout> rollouts = rollouts(backend, o, log);
    int[] layers = o.layers().length > 0 ? o.layers().clone() : allLayers(backend.layers());

    // flatten events
    List<StepEvents.Event> events = new ArrayList<>();
    List<Split> splits = new ArrayList<>();
    List<Bucket> buckets = new ArrayList<>();
    List<Double> confidence = new ArrayList<>();
    List<String> expressions = new ArrayList<>();
    for (Rollout r : rollouts) {
      for (int i = 0; i < r.events().size(); i++) {
        events.add(r.events().get(i));
        expressions.add(r.problem().expression());
        splits.add(r.split());
        buckets.add(r.problem().bucket());
        confidence.add(r.stepConfidence()[i]);
      }
    }
    int n = events.size();
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) y[i] = events.get(i).correct();
    Map<Split, Count> counts = new EnumMap<>(Split.class);
    for (Split s : Split.values()) counts.put(s, count(events, splits, s, null));
    Count steps = countKind(events, StepEvents.Kind.STEP);
    Count answers = countKind(events, StepEvents.Kind.ANSWER);
    log.printf(Locale.ROOT, "train-probe: %d rollouts, %d events (%d steps, %d answers), base rate %.4f; "
        + "train %d / validation %d / test %d events%n", rollouts.size(), n, steps.events(), answers.events(),
        (double) (steps.positives() + answers.positives()) / Math.max(1, n), counts.get(Split.TRAIN).events(),
        counts.get(Split.VALIDATION).events(), counts.get(Split.TEST).events());
    for (Split s : Split.values()) {
      Count c = counts.get(s);
      if (c.positives() == 0 || c.positives() == c.events()) {
        throw new IllegalStateException("the " + s.name().toLowerCase(Locale.ROOT) + " split has " + c.events()
            + " events, " + c.positives() + " labelled correct: both classes are needed (more rollouts, another "
            + "temperature, or a model that gets some steps right)");
      }
    }
    int[] train = indices(splits, Split.TRAIN);
    int[] val = indices(splits, Split.VALIDATION);
    int[] test = indices(splits, Split.TEST);
    int[] trainVal = concat(train, val);
    int[] testSteps = Arrays.stream(test).filter(i -> events.get(i).kind() == StepEvents.Kind.STEP).toArray();
    Object[] testGroups = new Object[test.length];
    for (int k = 0; k < test.length; k++) {
      StepEvents.Event e = events.get(test[k]);
      testGroups[k] = expressions.get(test[k]) + "#" + e.kind() + "#" + e.index();
    }
    boolean[] testLabels = labels(y, test);
    long siblingPairs = Auc.pairsWithinGroups(testLabels, testGroups);

    List<LayerResult> results = new ArrayList<>();
    LayerResult best = null;
    LogisticRegression.Fit bestFit = null;
    double[] bestTestScores = null;
    for (int layer : layers) {
      float[][] x = features(backend, rollouts, layer, log);
      double bestLambda = o.lambdas()[0];
      double bestVal = Double.NEGATIVE_INFINITY;
      for (double lambda : o.lambdas()) {
        LogisticRegression.Fit f = LogisticRegression.fit(rows(x, train), labels(y, train), lambda);
        double auc = Auc.of(f.score(rows(x, val)), labels(y, val));
        log.printf(Locale.ROOT, "train-probe: layer %d lambda %s: validation AUC %.4f (%d Newton steps)%n", layer,
            fmt(lambda), auc, f.iterations());
        if (auc > bestVal) {
          bestVal = auc;
          bestLambda = lambda;
        }
      }
      LogisticRegression.Fit refit = LogisticRegression.fit(rows(x, trainVal), labels(y, trainVal), bestLambda);
      double[] testScores = refit.score(rows(x, test));
      double testAuc = Auc.of(testScores, labels(y, test));
      double testAucSteps = Auc.of(refit.score(rows(x, testSteps)), labels(y, testSteps));
      double sibling = Auc.withinGroups(testScores, testLabels, testGroups);
      var r = new LayerResult(layer, bestLambda, bestVal, testAuc, testAucSteps, sibling);
      log.printf(Locale.ROOT, "train-probe: layer %d: lambda %s, validation AUC %.4f, test AUC %.4f (steps only %.4f, "
          + "siblings %.4f)%n", layer, fmt(bestLambda), bestVal, testAuc, testAucSteps, sibling);
      results.add(r);
      if (best == null || r.validationAuc() > best.validationAuc()) {
        best = r;
        bestFit = refit;
        bestTestScores = testScores;
      }
    }
    if (best == null || bestFit == null || bestTestScores == null) throw new IllegalStateException("no layer to try");

    // baseline: step confidence on the same test events (NaN where unaligned: scored lowest)
    double confAll = Auc.of(confidenceScores(confidence, test), labels(y, test));
    double confSteps = Auc.of(confidenceScores(confidence, testSteps), labels(y, testSteps));
    double confSibling = Auc.withinGroups(confidenceScores(confidence, test), testLabels, testGroups);

    Map<Bucket, BucketResult> perBucket = new EnumMap<>(Bucket.class);
    for (Bucket b : Bucket.values()) {
      List<Double> s = new ArrayList<>();
      List<Boolean> l = new ArrayList<>();
      for (int k = 0; k < test.length; k++) {
        if (buckets.get(test[k]) == b) {
          s.add(bestTestScores[k]);
          l.add(y[test[k]]);
        }
      }
      if (s.isEmpty()) continue;
      boolean[] lb = new boolean[l.size()];
      int pos = 0;
      for (int k = 0; k < lb.length; k++) {
        lb[k] = l.get(k);
        if (lb[k]) pos++;
      }
      perBucket.put(b, new BucketResult(new Count(lb.length, pos),
          Auc.of(s.stream().mapToDouble(Double::doubleValue).toArray(), lb)));
    }
    int answered = (int) rollouts.stream().filter(Rollout::answered).count();
    int problems = (int) rollouts.stream().map(r -> r.problem().expression()).distinct().count();
    var report = new Report(bestFit.toProbe(best.layer()), o, List.copyOf(results), best, problems, rollouts.size(),
        answered, counts, steps, answers, confAll, confSteps, confSibling, siblingPairs, perBucket,
        Duration.ofNanos(System.nanoTime() - t0));
    log.printf(Locale.ROOT, "train-probe: chose layer %d (validation AUC %.4f): held-out test AUC %.4f, sibling AUC "
        + "%.4f; step-confidence baseline %.4f, siblings %.4f; %d s%n", best.layer(), best.validationAuc(),
        best.testAuc(), best.testSiblingAuc(), confAll, confSibling, report.elapsed().toSeconds());
    return report;
  }

  /** Writes the report's probe with its comment and metadata keys ({@code auc}, {@code base_rate}, ...). */
  public static void write(Report report, Path file) {
    report.probe().write(file, report.comment());
    Count t = report.total();
    String meta = String.format(Locale.ROOT,
        "auc=%.6f%nsibling_auc=%.6f%nvalidation_auc=%.6f%nbase_rate=%.6f%nevents=%d%nsteps=%d%nrollouts=%d%nproblems=%d%nseed=%d%n"
            + "temperature=%s%nlambda=%s%n",
        report.chosen().testAuc(), report.chosen().testSiblingAuc(), report.chosen().validationAuc(), t.baseRate(), t.events(),
        report.stepCount().events(), report.rollouts(), report.problems(), report.options().seed(),
        fmt(report.options().temperature()), fmt(report.chosen().lambda()));
    try {
      java.nio.file.Files.writeString(file, meta, java.nio.charset.StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write probe " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The problems of a run with their splits: distinct, across all buckets (round robin, easy
   * first), none from {@link ProblemSet#standard()}.
   */
  public static List<Map.Entry<Problem, Split>> problems(Options o) {
    int count = (o.rollouts() + o.samplesPerProblem() - 1) / o.samplesPerProblem();
    Bucket[] all = Bucket.values();
    int[] perBucket = new int[all.length];
    for (int i = 0; i < count; i++) perBucket[i % all.length]++;
    Set<String> exclude = ProblemSet.standard().expressions();
    List<Map.Entry<Problem, Split>> out = new ArrayList<>();
    for (Bucket b : all) {
      Random r = new Random(mix(o.seed(), b.ordinal() + 1));
      Set<String> seen = new HashSet<>();
      List<Problem> drawn = new ArrayList<>();
      int guard = 0;
      while (drawn.size() < perBucket[b.ordinal()]) {
        Problem p = ArithmeticTask.generate(r, b);
        if (!exclude.contains(p.expression()) && seen.add(p.expression())) {
          drawn.add(p);
        } else if (++guard > 1_000_000) {
          throw new IllegalStateException("bucket " + b.label() + " has too few distinct problems");
        }
      }
      // seeded split within the bucket: 60% train, 20% validation, 20% test
      Integer[] order = new Integer[drawn.size()];
      for (int i = 0; i < order.length; i++) order[i] = i;
      java.util.Collections.shuffle(Arrays.asList(order), new Random(mix(o.seed(), 100 + b.ordinal())));
      Split[] split = new Split[drawn.size()];
      for (int k = 0; k < order.length; k++) {
        double q = (k + 0.5) / order.length;
        split[order[k]] = q < 0.6 ? Split.TRAIN : q < 0.8 ? Split.VALIDATION : Split.TEST;
      }
      for (int i = 0; i < drawn.size(); i++) out.add(Map.entry(drawn.get(i), split[i]));
    }
    return out;
  }

  /** Samples the rollouts and labels their events. */
  public static List<Rollout> rollouts(WhiteBoxBackend backend, Options o, PrintStream log) {
    List<Map.Entry<Problem, Split>> problems = problems(o);
    List<Rollout> out = new ArrayList<>();
    long t0 = System.nanoTime();
    int every = Math.max(1, problems.size() / 10);
    for (int pi = 0; pi < problems.size(); pi++) {
      Problem p = problems.get(pi).getKey();
      Split split = problems.get(pi).getValue();
      int k = o.samplesPerProblem();
      List<List<TokenListener.TokenEvent>> tokens = new ArrayList<>();
      for (int i = 0; i < k; i++) tokens.add(new ArrayList<>());
      TokenListener record = (seq, ev) -> {
        synchronized (tokens) {
          tokens.get(seq).add(ev);
        }
        return true;
      };
      var sampling = new Sampling(o.temperature(), 1.0, 0, mix(o.seed(), 1_000_000 + pi));
      List<Generation> gens = backend.generate(
          GenerationRequest.of(p.prompt(), k, ArithmeticTask.MAX_SEQUENCE_TOKENS, sampling), record);
      for (Generation g : gens) {
        List<StepEvents.Event> ev = StepEvents.of(p, g.text());
        List<TokenListener.TokenEvent> toks;
        synchronized (tokens) {
          toks = List.copyOf(tokens.get(g.index()));
        }
        out.add(new Rollout(p, split, g.text(), ev, stepConfidence(g.text(), toks, ev)));
      }
      if ((pi + 1) % every == 0 || pi + 1 == problems.size()) {
        log.printf(Locale.ROOT, "train-probe: rollouts %d/%d (%d problems of %d, %s), %.0f s%n", out.size(),
            problems.size() * k, pi + 1, problems.size(), p.bucket() == null ? "-" : p.bucket().label(),
            (System.nanoTime() - t0) / 1e9);
      }
    }
    return out;
  }

  /**
   * The hidden states after {@code layer} at every event of every rollout, in event order: one
   * backend call per rollout, text {@code prompt + completion} up to its last event.
   */
  public static float[][] features(WhiteBoxBackend backend, List<Rollout> rollouts, int layer, PrintStream log) {
    List<float[]> rows = new ArrayList<>();
    long t0 = System.nanoTime();
    for (Rollout r : rollouts) {
      if (r.events().isEmpty()) continue;
      float[][] h = features(backend, r, layer);
      rows.addAll(Arrays.asList(h));
    }
    log.printf(Locale.ROOT, "train-probe: layer %d hidden states for %d events, %.0f s%n", layer, rows.size(),
        (System.nanoTime() - t0) / 1e9);
    return rows.toArray(float[][]::new);
  }

  /** The hidden states after {@code layer} at each event of one rollout (one backend call). */
  public static float[][] features(WhiteBoxBackend backend, Rollout r, int layer) {
    String prompt = r.problem().prompt();
    int[] positions = positions(backend, prompt, r.completion(), r.events());
    String text = prompt + r.completion().substring(0, r.events().getLast().end());
    return backend.hiddenStates(text, layer, positions);
  }

  /** Token positions (into {@code encode(prompt + completion)}) of each event's delimiter. */
  static int[] positions(WhiteBoxBackend backend, String prompt, String completion, List<StepEvents.Event> events) {
    int[] out = new int[events.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = backend.encode(prompt + completion.substring(0, events.get(i).end())).length - 1;
    }
    return out;
  }

  /**
   * Mean log-probability of the tokens that make up each event's step: the text since the previous
   * event (for the first, the whole completion up to it, {@code <think>} included), as the
   * DEEP_SEARCH step-confidence verifier sees it. NaN for every event if the tokens do not spell the
   * completion.
   */
  static double[] stepConfidence(String completion, List<TokenListener.TokenEvent> tokens, List<StepEvents.Event> events) {
    double[] out = new double[events.size()];
    int[] ends = new int[tokens.size()];
    int at = 0;
    var sb = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      sb.append(tokens.get(i).text());
      at += tokens.get(i).text().length();
      ends[i] = at;
    }
    if (!completion.startsWith(sb.toString()) && !sb.toString().startsWith(completion)) {
      Arrays.fill(out, Double.NaN);
      return out;
    }
    int start = 0;
    int t = 0;
    for (int e = 0; e < events.size(); e++) {
      int end = events.get(e).end();
      double sum = 0;
      int count = 0;
      while (t < tokens.size() && ends[t] <= end) {
        if (ends[t] > start) {
          sum += tokens.get(t).logprob();
          count++;
        }
        t++;
      }
      out[e] = count == 0 ? Double.NaN : sum / count;
      start = end;
    }
    return out;
  }

  private static double[] confidenceScores(List<Double> confidence, int[] idx) {
    double[] s = new double[idx.length];
    for (int k = 0; k < idx.length; k++) {
      double c = confidence.get(idx[k]);
      s[k] = Double.isNaN(c) ? Double.NEGATIVE_INFINITY : c;
    }
    return s;
  }

  private static int[] allLayers(int n) {
    int[] l = new int[n];
    for (int i = 0; i < n; i++) l[i] = i + 1;
    return l;
  }

  private static Count count(List<StepEvents.Event> events, List<Split> splits, Split s, StepEvents.@Nullable Kind kind) {
    int e = 0;
    int p = 0;
    for (int i = 0; i < events.size(); i++) {
      if (splits.get(i) != s || (kind != null && events.get(i).kind() != kind)) continue;
      e++;
      if (events.get(i).correct()) p++;
    }
    return new Count(e, p);
  }

  private static Count countKind(List<StepEvents.Event> events, StepEvents.Kind kind) {
    int e = 0;
    int p = 0;
    for (StepEvents.Event ev : events) {
      if (ev.kind() != kind) continue;
      e++;
      if (ev.correct()) p++;
    }
    return new Count(e, p);
  }

  private static int[] indices(List<Split> splits, Split s) {
    return java.util.stream.IntStream.range(0, splits.size()).filter(i -> splits.get(i) == s).toArray();
  }

  private static int[] concat(int[] a, int[] b) {
    int[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    Arrays.sort(c);
    return c;
  }

  private static float[][] rows(float[][] x, int[] idx) {
    float[][] out = new float[idx.length][];
    for (int k = 0; k < idx.length; k++) out[k] = x[idx[k]];
    return out;
  }

  private static boolean[] labels(boolean[] y, int[] idx) {
    boolean[] out = new boolean[idx.length];
    for (int k = 0; k < idx.length; k++) out[k] = y[idx[k]];
    return out;
  }

  /** A well-mixed seed for stream {@code k} of {@code seed} (SplitMix64's finaliser). */
  static long mix(long seed, long k) {
    long z = seed + k * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e6 ? Long.toString((long) v) : Double.toString(v);
  }
}
