package dev.bursar.tuner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.controller.Estimate;
import dev.bursar.controller.Request;
import dev.bursar.controller.StoppingRules;
import dev.bursar.controller.Tally;
import dev.bursar.estimators.AnswerPrior;
import dev.bursar.estimators.FittedEstimator;
import dev.bursar.estimators.Gamma;
import dev.bursar.estimators.StopModel;
import dev.bursar.estimators.VoteState;
import dev.bursar.policies.BayesianStop;
import dev.bursar.policies.DeepSearchRoute;
import dev.bursar.policies.PolicyFile;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Fits bursar's estimators and compute-optimal policy on recorded questions and picks its operating
 * point, cross-validated by question: each fold's models are fitted on the other folds and scored on
 * it, so no point is ever measured on the questions it was fitted on. The frontier is the
 * cross-validated accuracy and tokens of the policy at every {@code lambda} of a fixed grid; the
 * chosen point is the cheapest one whose accuracy stays within the target of self-consistency at the
 * cap (or the most accurate within a token budget). The models written out are then fitted on all
 * questions. The threshold baseline (FAST when P(right) clears a threshold) is tuned the same way.
 */
public final class Tuner {
  /** The lambda grid: 0, then 10^-7 .. 10^-2 in quarter decades (accuracy per output token). */
  public static final double[] LAMBDAS = lambdas();
  /** Most rows (states) the stop model is fitted on, over all draw orders. */
  static final long MAX_ROWS = 100_000;
  /** Fewest questions the tuner fits on (two per fold of the default three). */
  public static final int MIN_QUESTIONS = 6;
  /** The threshold baseline's grid of P(right) thresholds (above 1: never FAST). */
  static final double[] THRESHOLDS = thresholds();

  /**
   * @param order the draw orders simulated (the replay benchmark's)
   * @param orders draw orders per question (random order only)
   * @param folds cross-validation folds by question
   * @param targetDrop accuracy (fraction) the chosen point may give up against SC at the cap; NaN with a budget
   * @param budgetTokens mean output tokens per query the chosen point may spend; 0 with a target
   * @param wave samples per backend call in the written policy
   * @param tokensPerSample cap on each sample's tokens in the written policy
   * @param command the command line, for the file's provenance
   * @param prior P(one sample is right) of a question from a signal other than its text (a white-box
   *     prefill probe), cross-fitted so that it never saw the question; null: the text estimator's
   * @param deepSearch DEEP_SEARCH run on the same questions, which the policy may hand the hardest ones to; null: none
   */
  public record Options(SampleOrder order, int orders, int folds, double targetDrop, long budgetTokens, int wave,
      int tokensPerSample, String command, @Nullable ToDoubleFunction<Question> prior, @Nullable DeepSearchRuns deepSearch) {
    public Options(SampleOrder order, int orders, int folds, double targetDrop, long budgetTokens, int wave, int tokensPerSample,
        String command) {
      this(order, orders, folds, targetDrop, budgetTokens, wave, tokensPerSample, command, null, null);
    }

    /** {@return these options aiming at {@code drop} below self-consistency at the cap} */
    public Options withTargetDrop(double drop) {
      return new Options(order, orders, folds, drop, 0, wave, tokensPerSample, command, prior, deepSearch);
    }

    /** {@return these options with {@code prior} as every question's P(one sample is right)} */
    public Options withPrior(ToDoubleFunction<Question> prior) {
      return new Options(order, orders, folds, targetDrop, budgetTokens, wave, tokensPerSample, command, prior, deepSearch);
    }

    /** {@return these options with DEEP_SEARCH measured on the questions, for the policy to route the hardest to} */
    public Options withDeepSearch(@Nullable DeepSearchRuns runs) {
      return new Options(order, orders, folds, targetDrop, budgetTokens, wave, tokensPerSample, command, prior, runs);
    }

    /** {@return the prior the stop model reads for {@code q}: the options' own, else the estimator's} */
    double pCorrect(Question q, Estimate e) {
      return prior == null ? e.pCorrect() : prior.applyAsDouble(q);
    }

    public Options {
      if (orders < 1) throw new IllegalArgumentException("orders must be >= 1, was " + orders);
      if (folds < 2) throw new IllegalArgumentException("folds must be >= 2, was " + folds);
      if (Double.isNaN(targetDrop) == (budgetTokens <= 0)) {
        throw new IllegalArgumentException("give exactly one of a target accuracy drop and a token budget");
      }
      if (!Double.isNaN(targetDrop) && !(targetDrop >= 0 && targetDrop < 1)) {
        throw new IllegalArgumentException("targetDrop must be in [0, 1), was " + targetDrop);
      }
    }

    public static Options target(double drop, SampleOrder order, String command) {
      return new Options(order, order == SampleOrder.STORED ? 1 : 8, 3, drop, 0, 1, 4096, command);
    }

    /**
     * {@return draw orders per question: the stored order once, else {@code orders}, fewer on a pool
     * so large that the stop model's rows would pass {@link #MAX_ROWS} (its fit time grows with them)}
     */
    int effectiveOrders(int questions, int cap) {
      if (order == SampleOrder.STORED) return 1;
      return (int) Math.max(1, Math.min(orders, MAX_ROWS / Math.max(1L, (long) questions * cap)));
    }
  }

  /**
   * One operating point, cross-validated: mean accuracy (fraction), output tokens and samples per
   * query, and the standard error of its accuracy difference to self-consistency at the cap (paired
   * by question; 0 when not measured).
   */
  public record Point(double param, double accuracy, double tokens, double samples, double differenceSe, double deepBelow,
      boolean answerPrior) {
    public Point(double param, double accuracy, double tokens, double samples, double differenceSe, double deepBelow) {
      this(param, accuracy, tokens, samples, differenceSe, deepBelow, false);
    }

    public Point(double param, double accuracy, double tokens, double samples, double differenceSe) {
      this(param, accuracy, tokens, samples, differenceSe, 0);
    }

    public Point(double param, double accuracy, double tokens, double samples) {
      this(param, accuracy, tokens, samples, 0);
    }

    /** {@return whether the point hands the queries whose prior P(right) is below {@link #deepBelow} to DEEP_SEARCH} */
    public boolean routes() {
      return deepBelow > 0;
    }
  }

  /**
   * DEEP_SEARCH run once on each of the tuner's questions (by qid): its plan, and each question's
   * accuracy and output tokens.
   */
  public record DeepSearchRuns(dev.bursar.controller.Plan plan, java.util.Map<Long, Run> runs) {
    public record Run(double accuracy, long tokens) {}
  }

  /** The prior thresholds below which a route hands a query to DEEP_SEARCH (0: never). */
  static final double[] ROUTE_BELOW = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7};

  /** Reliability of the confidence bursar reports (P(leader is right)) on held-out states. */
  public record Calibration(double brier, double brierVoteShare, double brierReader, int states, double[] binConfidence, double[] binAccuracy,
      int[] binCount) {}

  /** Held-out mean log-likelihood per sample of the fitted length model and of one constant Gamma. */
  public record LengthFit(double fittedLogLik, double constantLogLik, int samples) {}

  /**
   * Held-out mean log-loss per sample of the difficulty prior the stop model reads (P(one sample is
   * right)) and of the training folds' rate for every query: how much the prior knows.
   */
  public record PriorFit(double fittedLogLoss, double constantLogLoss, int samples) {}

  /**
   * Held-out mean log-loss per sample of the sample-text reader's P(this sample is right) (the training
   * folds' rate where a fold kept no reader) against the training folds' rate: how much the samples'
   * own texts say. {@code foldsWithReader} of {@code folds} kept a reader.
   */
  public record TextFit(double readerLogLoss, double constantLogLoss, int samples, int foldsWithReader, int folds) {}

  /** What the tuner found. {@code policy} and {@code thresholdPolicy} are fitted on every question. */
  public record Result(PolicyFile policy, PolicyFile thresholdPolicy, List<Point> frontier, Point chosen, Point scAtCap,
      List<Point> thresholdFrontier, Point thresholdChosen, Calibration calibration, LengthFit length, PriorFit prior, TextFit text, int questions,
      int cap, List<Point> routed, List<Point> withAnswerPrior) {

    /** {@return the frontier points no other point beats on both accuracy and tokens} */
    public List<Point> pareto() {
      return Tuner.pareto(frontier);
    }
  }

  /**
   * The models fitted on one set of questions.
   *
   * @param heldOutScores the sample-text scores of those questions by readers that did not see them
   */
  record Models(FittedEstimator estimator, StopModel stop, Fitting.SampleTextFit heldOutScores) {}

  private Tuner() {}

  public static Result tune(List<Question> questions, Options o, PrintStream progress) {
    if (questions.size() < 2 * o.folds()) {
      throw new IllegalArgumentException("need at least " + 2 * o.folds() + " questions with known correctness to tune, got " + questions.size());
    }
    int cap = questions.stream().mapToInt(Question::size).max().orElseThrow();
    int orders = o.effectiveOrders(questions.size(), cap);
    double[][] acc = new double[LAMBDAS.length][2];
    double[][] thr = new double[THRESHOLDS.length][3];
    double[] sc = new double[3];
    double[] lambdaSamples = new double[LAMBDAS.length];
    // Per-question accuracy differences to SC at the cap (mean over the question's orders): sums and squares.
    double[][] lambdaDiff = new double[LAMBDAS.length][2];
    double[][] thresholdDiff = new double[THRESHOLDS.length][2];
    // With DEEP_SEARCH runs: each lambda with each route threshold (index 0, never, is the frontier itself and stays
    // empty), per question {accuracy, tokens, self-consistency's samples} sums and the differences to SC at the cap.
    double[][][] route = new double[ROUTE_BELOW.length][LAMBDAS.length][3];
    double[][][] routeDiff = new double[ROUTE_BELOW.length][LAMBDAS.length][2];
    int[] routedQuestions = new int[ROUTE_BELOW.length];
    // Each lambda with Bayesian stopping on the training folds' answer prior as a second stop: {accuracy, tokens, samples} sums.
    boolean answerPriors = cap <= BayesianStop.MAX_CAP;
    double[][] bayes = new double[LAMBDAS.length][3];
    double[][] bayesDiff = new double[LAMBDAS.length][2];
    // Each fold's Bayesian stopping rules (on the other folds' answers): the final lambda is matched with them.
    BayesianStop.Rule[][] foldRules = new BayesianStop.Rule[o.folds()][];
    int scored = 0;
    List<double[]> calib = new ArrayList<>(); // {confidence, accuracy, vote share}
    double fittedLl = 0, constantLl = 0, priorLoss = 0, rateLoss = 0, textLoss = 0;
    int llSamples = 0, foldsWithReader = 0, folds = 0;
    long episodes = 0;
    for (int f = 0; f < o.folds(); f++) {
      long start = System.nanoTime();
      final int fold = f;
      List<Question> train = questions.stream().filter(q -> q.fold(o.folds(), 0) != fold).toList();
      List<Question> test = questions.stream().filter(q -> q.fold(o.folds(), 0) == fold).toList();
      if (train.isEmpty() || test.isEmpty()) continue;
      Models m = fit(train, o, cap, orders);
      BayesianStop.Rule[] answerRules = answerPriors ? answerRules(answerPrior(train), cap) : null;
      foldRules[f] = answerRules;
      Gamma constant = Gamma.fit(train.stream().flatMapToInt(q -> java.util.Arrays.stream(q.tokens())).mapToLong(i -> i).toArray());
      double rate = rightRate(train);
      folds++;
      if (m.stop().sampleText() != null) foldsWithReader++;
      for (Question q : test) {
        Estimate e = m.estimator().estimate(Request.of(q.prompt()), dev.bursar.controller.Features.NONE);
        double prior = o.pCorrect(q, e);
        double[] scores = m.stop().sampleText() == null ? null : Fitting.scores(m.stop().sampleText(), q);
        priorLoss += Fitting.logLoss(Double.isNaN(prior) ? rate : prior, q);
        rateLoss += Fitting.logLoss(rate, q);
        for (int i = 0; i < q.size(); i++) {
          double p = scores == null || Double.isNaN(scores[i]) ? rate : scores[i];
          textLoss += Fitting.logLoss(p, q.correct()[i]);
        }
        for (int t : q.tokens()) {
          fittedLl += new Gamma(e.lengthShape(), e.lengthScale()).logDensity(Math.max(1, t));
          constantLl += constant.logDensity(Math.max(1, t));
          llSamples++;
        }
        double[] qDiff = new double[LAMBDAS.length];
        double[] qBayesDiff = new double[LAMBDAS.length];
        double[] qThresholdDiff = new double[THRESHOLDS.length];
        double[][] qScored = new double[LAMBDAS.length][3]; // this question's SC {accuracy, tokens, samples}, means over orders
        double qCap = 0;
        for (int s = 0; s < orders; s++) {
          int[] order = o.order().indices(q.size(), s, q.qid());
          var ep = episode(q, order, cap, o, e, scores, m.stop().scoreVote());
          episodes++;
          double[] gain = ep.gains(m.stop());
          int[] states = answerRules == null ? null : states(q, order, answerRules[0].prior(), ep.steps);
          for (int li = 0; li < LAMBDAS.length; li++) {
            int stop = stopIndex(ep, gain, LAMBDAS[li]);
            acc[li][0] += ep.accuracyNow[stop];
            qDiff[li] += (ep.accuracyNow[stop] - ep.majorityAtCap()) / orders;
            acc[li][1] += ep.tokens[stop];
            lambdaSamples[li] += stop + 1;
            qScored[li][0] += ep.accuracyNow[stop] / orders;
            qScored[li][1] += (double) ep.tokens[stop] / orders;
            qScored[li][2] += (double) (stop + 1) / orders;
            if (answerRules != null) {
              int both = stopIndex(stop, states, answerRules[li]);
              bayes[li][0] += ep.accuracyNow[both];
              bayes[li][1] += ep.tokens[both];
              bayes[li][2] += both + 1;
              qBayesDiff[li] += (ep.accuracyNow[both] - ep.majorityAtCap()) / orders;
            }
          }
          qCap += ep.majorityAtCap() / orders;
          sc[0] += ep.majorityAtCap();
          sc[1] += ep.tokens[ep.steps - 1];
          sc[2] += ep.steps;
          for (int n = 1; n <= ep.steps; n++) {
            double[] x = ep.features[n - 1];
            if (x[1] == 0) continue; // no vote yet: no answer to be confident in
            // The reader's mean P(right) of the leader's samples, the vote share where it scored none of them.
            double reader = x[VoteState.LEADER_TEXT_P] >= 0 ? x[VoteState.LEADER_TEXT_P] : x[6];
            calib.add(new double[] {m.stop().confidence(x), ep.majorityNow[n - 1], x[6], reader});
          }
          var ac = StoppingRules.anyOf(StoppingRules.beta(0.95), StoppingRules.decided(cap));
          int acStop = Episode.stopIndex(q, order, ac);
          for (int ti = 0; ti < THRESHOLDS.length; ti++) {
            boolean fast = o.pCorrect(q, e) >= THRESHOLDS[ti];
            double accuracy = fast ? ep.majorityNow[0] : ep.majorityNow[acStop];
            thr[ti][0] += accuracy;
            qThresholdDiff[ti] += (accuracy - ep.majorityAtCap()) / orders;
            thr[ti][1] += fast ? ep.tokens[0] : ep.tokens[acStop];
            thr[ti][2] += fast ? 1 : acStop + 1;
          }
        }
        accumulate(lambdaDiff, qDiff);
        accumulate(bayesDiff, qBayesDiff);
        accumulate(thresholdDiff, qThresholdDiff);
        var deep = o.deepSearch() == null ? null : o.deepSearch().runs().get(q.qid());
        for (int ri = 1; o.deepSearch() != null && ri < ROUTE_BELOW.length; ri++) {
          boolean routed = deep != null && prior < ROUTE_BELOW[ri];
          if (routed) routedQuestions[ri]++;
          for (int li = 0; li < LAMBDAS.length; li++) {
            double a = routed ? deep.accuracy() : qScored[li][0];
            route[ri][li][0] += a;
            route[ri][li][1] += routed ? deep.tokens() : qScored[li][1];
            route[ri][li][2] += routed ? 0 : qScored[li][2];
            routeDiff[ri][li][0] += a - qCap;
            routeDiff[ri][li][1] += (a - qCap) * (a - qCap);
          }
        }
        scored++;
      }
      progress.printf("  fold %d/%d: fitted on %d questions, scored on %d (%.1f s)%n", f + 1, o.folds(), train.size(), test.size(),
          (System.nanoTime() - start) / 1e9);
    }
    List<Point> frontier = new ArrayList<>();
    for (int li = 0; li < LAMBDAS.length; li++) {
      frontier.add(new Point(LAMBDAS[li], acc[li][0] / episodes, acc[li][1] / episodes, lambdaSamples[li] / episodes,
          standardError(lambdaDiff[li], scored)));
    }
    Point scPoint = new Point(cap, sc[0] / episodes, sc[1] / episodes, sc[2] / episodes);
    List<Point> thresholds = new ArrayList<>();
    for (int ti = 0; ti < THRESHOLDS.length; ti++) {
      thresholds.add(new Point(THRESHOLDS[ti], thr[ti][0] / episodes, thr[ti][1] / episodes, thr[ti][2] / episodes,
          standardError(thresholdDiff[ti], scored)));
    }
    // Routes to DEEP_SEARCH (each threshold with each lambda), when it was run on these questions.
    List<Point> routed = new ArrayList<>();
    for (int ri = 1; o.deepSearch() != null && ri < ROUTE_BELOW.length; ri++) {
      if (routedQuestions[ri] == 0) continue; // hands no question to DEEP_SEARCH: the frontier itself, not a route
      for (int li = 0; li < LAMBDAS.length; li++) {
        routed.add(new Point(LAMBDAS[li], route[ri][li][0] / scored, route[ri][li][1] / scored, route[ri][li][2] / scored,
            standardError(routeDiff[ri][li], scored), ROUTE_BELOW[ri]));
      }
    }
    List<Point> withAnswerPrior = new ArrayList<>();
    for (int li = 0; answerPriors && li < LAMBDAS.length; li++) {
      withAnswerPrior.add(new Point(LAMBDAS[li], bayes[li][0] / episodes, bayes[li][1] / episodes, bayes[li][2] / episodes,
          standardError(bayesDiff[li], scored), 0, true));
    }
    List<Point> candidates = new ArrayList<>(frontier);
    candidates.addAll(routed);
    candidates.addAll(withAnswerPrior);
    Point chosen = choose(candidates, scPoint, o);
    Point thresholdChosen = choose(thresholds, scPoint, o);
    long start = System.nanoTime();
    Models all = fit(questions, o, cap, orders);
    progress.printf("  final fit on all %d questions (%.1f s)%n", questions.size(), (System.nanoTime() - start) / 1e9);
    JsonNode provenance = provenance(questions, o, orders);
    // The lambda was chosen on fold models; the model refitted on every question is sharper and would stop
    // earlier at the same lambda (measured: 2.2 points below SC at the cap on a pool of 55 tune questions).
    // Under an accuracy target the file carries the point over by the samples it draws instead.
    // A route keeps the lambda's self-consistency for the other queries: match that lambda's samples without the route.
    List<Point> chosenCurve = chosen.answerPrior() ? withAnswerPrior : frontier;
    Point selfConsistency = chosenCurve.stream().filter(p -> p.param() == chosen.param()).findFirst().orElseThrow();
    // Bayesian stopping on every question's answers, when the chosen point stops with it too.
    StopModel stop = chosen.answerPrior() ? all.stop().withAnswerPrior(answerPrior(questions)) : all.stop();
    // The confidence bursar reports is whichever scored the lowest Brier on held-out states: the confidence model, the
    // vote share, or (where the final model has a reader) the reader's mean P(right) of the leader's samples.
    Calibration calibration = calibration(calib);
    if (stop.sampleText() != null && calibration.brierReader() < Math.min(calibration.brier(), calibration.brierVoteShare())) {
      stop = stop.withConfidenceByReader();
    } else if (calibration.brier() >= calibration.brierVoteShare()) {
      stop = stop.withoutConfidenceModel();
    }
    // The Bayesian stop is matched with each question's fold rules: a prior holding the question itself would stop it
    // early in sample and pull lambda down (measured live: 1.8e-5 for a cross-validated 3.2e-5).
    double lambda = o.budgetTokens() > 0 ? chosen.param()
        : matchSamples(questions, all, chosen.answerPrior() ? q -> foldRules[q.fold(o.folds(), 0)] : q -> null, o, cap, orders,
            selfConsistency.samples());
    var policy = new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, all.estimator(), stop, lambda, 0, cap, o.wave(),
        o.tokensPerSample(), o.order() == SampleOrder.GREEDY_FIRST, provenance, operatingPoint(chosen, lambda, scPoint, chosenCurve, o));
    if (chosen.routes()) policy = policy.withDeepSearch(DeepSearchRoute.of(o.deepSearch().plan(), chosen.deepBelow()));
    var threshold = new PolicyFile(PolicyFile.THRESHOLD, all.estimator(), null, 0, Math.min(1, thresholdChosen.param()), cap, o.wave(),
        o.tokensPerSample(), false, provenance, operatingPoint(thresholdChosen, thresholdChosen.param(), scPoint, thresholds, o));
    return new Result(policy, threshold, frontier, chosen, scPoint, thresholds, thresholdChosen, calibration,
        new LengthFit(fittedLl / llSamples, constantLl / llSamples, llSamples),
        new PriorFit(priorLoss / llSamples, rateLoss / llSamples, llSamples),
        new TextFit(textLoss / llSamples, rateLoss / llSamples, llSamples, foldsWithReader, folds), questions.size(), cap, routed,
        withAnswerPrior);
  }

  /** {@return the fraction of right samples over every sample of {@code questions} (0.5 when there are none)} */
  public static double rightRate(List<Question> questions) {
    long right = 0, samples = 0;
    for (Question q : questions) {
      for (boolean c : q.correct()) if (c) right++;
      samples += q.correct().length;
    }
    return samples == 0 ? 0.5 : (double) right / samples;
  }

  /** {@return the models fitted on {@code train}: the estimator, and the stop model on cross-fitted priors} */
  static Models fit(List<Question> train, Options o, int cap, int orders) {
    FittedEstimator estimator = Fitting.estimator(train);
    // Priors for the stop model's rows come from an estimator that did not see the row's question,
    // as at run time; otherwise the stop model learns to trust an overfitted prior.
    List<Question> a = train.stream().filter(q -> q.fold(2, 7) == 0).toList();
    List<Question> b = train.stream().filter(q -> q.fold(2, 7) == 1).toList();
    boolean halves = a.size() >= 2 && b.size() >= 2;
    FittedEstimator onA = halves ? Fitting.estimator(a) : estimator;
    FittedEstimator onB = halves ? Fitting.estimator(b) : estimator;
    // The same for the sample-text reader: each row reads scores from the half that did not see it.
    Fitting.SampleTextFit texts = halves ? Fitting.sampleText(a, b) : Fitting.SampleTextFit.NONE;
    // Each question's episodes, built once: with a reader they also score its vote, which decides how the policy answers.
    boolean withReader = texts.reader() != null;
    List<List<Episode>> episodes = new ArrayList<>();
    for (Question q : train) {
      FittedEstimator prior = q.fold(2, 7) == 0 ? onB : onA;
      Estimate e = prior.estimate(Request.of(q.prompt()), dev.bursar.controller.Features.NONE);
      List<Episode> mine = new ArrayList<>();
      for (int s = 0; s < orders; s++) mine.add(episode(q, o.order().indices(q.size(), s, q.qid()), cap, o, e, texts.scores(q), withReader));
      episodes.add(mine);
    }
    boolean scoreVote = withReader && scoreVoteHelps(episodes);
    List<double[]> xs = new ArrayList<>();
    List<Double> gains = new ArrayList<>();
    List<double[]> cx = new ArrayList<>();
    List<Double> rights = new ArrayList<>();
    for (List<Episode> mine : episodes) {
      for (Episode ep : mine) {
        double[] accuracy = scoreVote ? ep.accuracyNow : ep.majorityNow; // the policy's answer after each sample
        for (int n = 1; n <= ep.steps; n++) {
          double[] x = ep.features[n - 1];
          if (n < ep.steps) {
            xs.add(x);
            // The expected size of the change still to come, whichever its sign: a mean signed gain lets
            // gains and losses cancel and stops contested questions too early (measured: -1.6 points
            // at lambda 0 on a tune half where the absolute gain keeps SC's accuracy).
            gains.add(Math.abs(accuracy[ep.steps - 1] - accuracy[n - 1]));
          }
          if (x[1] > 0) {
            cx.add(x);
            rights.add(ep.majorityNow[n - 1]);
          }
        }
      }
    }
    var gain = xs.isEmpty() ? new dev.bursar.estimators.TreeEnsemble(0, List.of())
        : Fitting.logisticBoostedTrees(xs.toArray(double[][]::new), gains.stream().mapToDouble(Double::doubleValue).toArray(), Fitting.Boosting.DEFAULT);
    var right = cx.isEmpty() ? new dev.bursar.estimators.TreeEnsemble(0.5, List.of())
        : Fitting.logisticBoostedTrees(cx.toArray(double[][]::new), rights.stream().mapToDouble(Double::doubleValue).toArray(), Fitting.Boosting.DEFAULT);
    return new Models(estimator, new StopModel(gain, right, texts.reader(), null, scoreVote), texts);
  }

  /**
   * {@return whether answering by the reader's summed scores ({@link Tally#scoreLeader}) is right more often
   * than answering by the count over every state of each question's episodes (the mean accuracy after
   * 1, 2, ... cap samples), and no less often at the cap} At the cap too, because the target is the count's
   * accuracy there: a score vote that falls behind it with every sample drawn could never reach the target
   * (measured: a pool whose later samples repeat earlier ones), and by more than one standard error. The
   * episodes score the reader's vote ({@code accuracyNow}) beside the count's, with held-out scores: a
   * reader is sure of the texts it was fitted on.
   */
  static boolean scoreVoteHelps(List<List<Episode>> byQuestion) {
    double sum = 0, squares = 0, atCap = 0;
    for (List<Episode> mine : byQuestion) {
      double d = 0; // the question's mean difference over its states and orders
      for (Episode ep : mine) {
        for (int n = 0; n < ep.steps; n++) d += (ep.accuracyNow[n] - ep.majorityNow[n]) / ep.steps / mine.size();
        atCap += ep.accuracyAtCap() - ep.majorityAtCap();
      }
      sum += d;
      squares += d * d;
    }
    // Better by more than one standard error (by question): on a few dozen questions a reader's luck is not a better vote.
    int n = byQuestion.size();
    return sum / n > standardError(new double[] {sum, squares}, n) && atCap >= 0;
  }

  /**
   * {@return the largest lambda at which {@code m}, on the questions it was fitted on, draws at least
   * {@code samples} samples per question on average} (0 when none does). In sample a model stops a
   * little earlier than on new questions, so this errs towards more samples. The sample-text scores are
   * the held-out ones the stop model was fitted on (a reader scoring its own training texts is sure of them).
   *
   * @param answerRules each question's Bayesian stopping rules at every lambda (null: none), from a prior
   *     that did not see the question, as the policy's prior will not have seen new ones
   */
  static double matchSamples(List<Question> questions, Models m, java.util.function.Function<Question, BayesianStop.Rule @Nullable []> answerRules,
      Options o, int cap, int orders, double samples) {
    double[] drawn = new double[LAMBDAS.length];
    long episodes = 0;
    for (Question q : questions) {
      Estimate e = m.estimator().estimate(Request.of(q.prompt()), dev.bursar.controller.Features.NONE);
      BayesianStop.Rule[] rules = answerRules.apply(q);
      for (int s = 0; s < orders; s++) {
        int[] order = o.order().indices(q.size(), s, q.qid());
        var ep = episode(q, order, cap, o, e, m.heldOutScores().scores(q), m.stop().scoreVote());
        episodes++;
        double[] gain = ep.gains(m.stop());
        int[] states = rules == null ? null : states(q, order, rules[0].prior(), ep.steps);
        for (int li = 0; li < LAMBDAS.length; li++) {
          int stop = stopIndex(ep, gain, LAMBDAS[li]);
          if (rules != null) stop = stopIndex(stop, states, rules[li]);
          drawn[li] += stop + 1;
        }
      }
    }
    double best = 0;
    for (int li = 0; li < LAMBDAS.length; li++) {
      if (drawn[li] / episodes >= samples - 1e-9) best = Math.max(best, LAMBDAS[li]);
    }
    return best;
  }

  /**
   * {@return {@code q} replayed in {@code order} with the prior, the predicted length and the sample-text
   * scores (null: no reader) the stop model reads at run time}
   */
  private static Episode episode(Question q, int[] order, int cap, Options o, Estimate e, double @Nullable [] sampleScores,
      boolean scoreVote) {
    return new Episode(q, order, cap, o.pCorrect(q, e), e.expectedLength(), sampleScores, scoreVote);
  }

  /** The run-time rule ({@link dev.bursar.policies.LearnedStop}) on a recorded episode: cap, decided, or gain below cost. */
  static int stopIndex(Episode ep, double[] gain, double lambda) {
    for (int n = 1; n < ep.steps; n++) {
      if (ep.decided[n - 1] || gain[n - 1] < lambda * ep.meanTokens[n - 1]) return n - 1;
    }
    return ep.steps - 1;
  }

  /** {@return the answer prior of {@code questions}: their answers' counts and mean tokens per sample} */
  static AnswerPrior answerPrior(List<Question> questions) {
    List<AnswerPrior.Counts> counts = new ArrayList<>();
    long tokens = 0, samples = 0;
    for (Question q : questions) {
      AnswerPrior.Counts c = AnswerPrior.Counts.of(q.keys());
      if (c != null) counts.add(c);
      for (int t : q.tokens()) tokens += t;
      samples += q.tokens().length;
    }
    return new AnswerPrior(counts, Math.max(1.0, (double) tokens / Math.max(1, samples)));
  }

  /** {@return Bayesian stopping on {@code prior} at every lambda of the grid, as a policy at that lambda builds it} */
  private static BayesianStop.Rule[] answerRules(AnswerPrior prior, int cap) {
    BayesianStop.Prior table = BayesianStop.prior(prior, cap);
    BayesianStop.Rule[] rules = new BayesianStop.Rule[LAMBDAS.length];
    for (int li = 0; li < LAMBDAS.length; li++) rules[li] = table.rule(LAMBDAS[li] * prior.tokensPerSample());
    return rules;
  }

  /** {@return the Bayesian-stopping state after each of the first {@code steps} samples of {@code order}, as the run-time rule reads it} */
  private static int[] states(Question q, int[] order, BayesianStop.Prior prior, int steps) {
    int[] states = new int[steps];
    var tally = new Tally();
    for (int n = 1; n <= steps; n++) {
      tally.add(q.keys().get(order[n - 1]));
      states[n - 1] = prior.stateOf(tally);
    }
    return states;
  }

  /**
   * {@return the stop index of the run-time rule with an answer prior ({@link dev.bursar.policies.LearnedStop}
   * with its {@code answerRule}): the trees' stop {@code learned}, or earlier where Bayesian stopping stops}
   */
  static int stopIndex(Episode ep, int learned, int[] order, BayesianStop.@Nullable Rule rule) {
    return rule == null ? learned : stopIndex(learned, states(ep.question, order, rule.prior(), ep.steps), rule);
  }

  /** The same, given the episode's states after each sample ({@link #states}, computed once for every lambda). */
  private static int stopIndex(int learned, int[] states, BayesianStop.Rule rule) {
    for (int n = 1; n <= learned; n++) {
      if (rule.stopsAt(states[n - 1])) return n - 1;
    }
    return learned;
  }

  private static void accumulate(double[][] sums, double[] values) {
    for (int i = 0; i < values.length; i++) {
      sums[i][0] += values[i];
      sums[i][1] += values[i] * values[i];
    }
  }

  private static double standardError(double[] sums, int n) {
    if (n < 2) return 0;
    double mean = sums[0] / n;
    double variance = Math.max(0, (sums[1] - n * mean * mean) / (n - 1));
    return Math.sqrt(variance / n);
  }

  /**
   * The operating point for the options' target: the cheapest point whose accuracy, less one
   * standard error of its difference to SC at the cap, stays within the target drop (the frontier is
   * noisy: among a dozen points, the cheapest one that clears the target by a hair is often one that
   * was lucky on these questions, and it misses on new ones); with a budget, the most accurate
   * point within it.
   */
  static Point choose(List<Point> points, Point sc, Options o) {
    if (o.budgetTokens() > 0) {
      return points.stream().filter(p -> p.tokens() <= o.budgetTokens()).max(Comparator.comparingDouble(Point::accuracy)
          .thenComparing(Comparator.comparingDouble(Point::tokens).reversed()))
          .orElseGet(() -> points.stream().min(Comparator.comparingDouble(Point::tokens)).orElseThrow());
    }
    double target = sc.accuracy() - o.targetDrop() - 1e-12;
    List<Point> confident = points.stream().filter(p -> p.accuracy() - p.differenceSe() >= target).toList();
    if (!confident.isEmpty()) return confident.stream().min(Comparator.comparingDouble(Point::tokens)).orElseThrow();
    double best = points.stream().mapToDouble(Point::accuracy).max().orElseThrow();
    // No point reaches the target (the cross-validated frontier can miss it by a hair): give up the
    // same drop against the best point there is instead of taking that point, which is the most
    // expensive, but never more than twice the drop against self-consistency at the cap.
    double reachable = best >= target ? target : Math.max(best - o.targetDrop(), sc.accuracy() - 2 * o.targetDrop()) - 1e-12;
    return points.stream().filter(p -> p.accuracy() >= reachable).min(Comparator.comparingDouble(Point::tokens))
        .orElseGet(() -> points.stream().max(Comparator.comparingDouble(Point::accuracy)).orElseThrow());
  }

  static List<Point> pareto(List<Point> points) {
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingDouble(Point::tokens).thenComparing(Comparator.comparingDouble(Point::accuracy).reversed()));
    List<Point> out = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (Point p : sorted) {
      if (p.accuracy() > best + 1e-12) {
        out.add(p);
        best = p.accuracy();
      }
    }
    return out;
  }

  private static Calibration calibration(List<double[]> rows) {
    int bins = 10;
    double[] conf = new double[bins], right = new double[bins];
    int[] count = new int[bins];
    double brier = 0, brierShare = 0, brierReader = 0;
    for (double[] r : rows) {
      brier += (r[0] - r[1]) * (r[0] - r[1]);
      brierShare += (r[2] - r[1]) * (r[2] - r[1]);
      brierReader += (r[3] - r[1]) * (r[3] - r[1]);
      int b = Math.min(bins - 1, (int) (r[0] * bins));
      conf[b] += r[0];
      right[b] += r[1];
      count[b]++;
    }
    for (int b = 0; b < bins; b++) {
      if (count[b] > 0) {
        conf[b] /= count[b];
        right[b] /= count[b];
      }
    }
    int n = Math.max(1, rows.size());
    return new Calibration(brier / n, brierShare / n, brierReader / n, rows.size(), conf, right, count);
  }

  private static JsonNode provenance(List<Question> questions, Options o, int orders) {
    ObjectNode p = new ObjectMapper().createObjectNode();
    p.put("command", o.command());
    ArrayNode data = p.putArray("data");
    questions.stream().map(Question::pool).distinct().sorted().forEach(data::add);
    p.put("questions", questions.size());
    p.put("order", o.order().name().toLowerCase(java.util.Locale.ROOT));
    p.put("ordersPerQuestion", orders);
    p.put("folds", o.folds());
    return p;
  }

  private static JsonNode operatingPoint(Point chosen, double written, Point sc, List<Point> frontier, Options o) {
    ObjectNode p = new ObjectMapper().createObjectNode();
    p.put("measuredBy", o.folds() + "-fold cross-validation by question");
    p.put("param", chosen.param()).put("accuracy", chosen.accuracy()).put("tokens", chosen.tokens()).put("samples", chosen.samples());
    if (chosen.routes()) p.put("deepSearchBelowPCorrect", chosen.deepBelow());
    if (chosen.answerPrior()) p.put("bayesianStopOnAnswerPrior", true);
    if (written != chosen.param()) p.put("paramForTheFinalModel", written);
    p.put("scAtCapAccuracy", sc.accuracy()).put("scAtCapTokens", sc.tokens());
    if (!Double.isNaN(o.targetDrop())) p.put("targetAccuracyDrop", o.targetDrop());
    if (o.budgetTokens() > 0) p.put("budgetTokens", o.budgetTokens());
    ArrayNode f = p.putArray("frontier");
    for (Point pt : pareto(frontier)) f.addObject().put("param", pt.param()).put("accuracy", pt.accuracy()).put("tokens", pt.tokens());
    return p;
  }

  private static double[] lambdas() {
    double[] l = new double[22];
    for (int i = 1; i < l.length; i++) l[i] = Math.pow(10, -7 + 0.25 * (i - 1));
    return l;
  }

  private static double[] thresholds() {
    double[] t = new double[22];
    for (int i = 0; i < 21; i++) t[i] = i * 0.05;
    t[21] = 1.01;
    return t;
  }

  /** {@return the questions of {@code records} whose correctness is known} */
  public static List<Question> questions(List<dev.bursar.trace.TraceRecord> records) {
    return records.stream().map(Question::of).flatMap(java.util.Optional::stream).toList();
  }
}
