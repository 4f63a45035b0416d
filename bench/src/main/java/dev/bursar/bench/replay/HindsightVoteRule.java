package dev.bursar.bench.replay;

import dev.bursar.backends.replay.SampleOrder;
import dev.bursar.controller.Answers;
import dev.bursar.controller.Tally;
import dev.bursar.trace.TraceRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a stopping rule on the vote reaches when it is fitted on the very draws it is scored on: the
 * rule over the vote's state (samples drawn, counts of the two leaders, distinct answers up to four,
 * samples without an answer) found by dynamic programming on the test half's own draws at each lambda,
 * then scored on those same draws. Like the oracle it needs the answers it is scored on; unlike the
 * oracle it is not a bound: the DP treats the pooled vote as a Markov chain, which it is only
 * approximately (the question behind it is hidden), and bursar's fitted rule, which also reads the
 * query and the samples' lengths, can beat it.
 *
 * <p>The second family is the same rule told what no rule can know before it samples: the question's
 * agreement, the share of its most common answer over all its samples, in tenths. The difference
 * between the two is what a perfect difficulty prior would be worth to such a rule.
 */
final class HindsightVoteRule {
  static final String VOTE = "hindsight-vote";
  static final String AGREEMENT = "hindsight-vote+agreement";

  /** The state after some samples; {@code agreement} is -1 when the rule may not know it. */
  private record State(int samples, int top, int second, int distinct, int noAnswer, int agreement) {}

  /** One question in one draw order: the state, the accuracy of stopping, the tokens spent, after each sample. */
  private record Episode(int seed, State[] states, double[] accuracy, long[] tokens) {}

  /**
   * 0, then 10^-7 .. 10^-2 in sixteenths of a decade: finer than the tuner's grid, so that the
   * cheapest point reaching a target is not an accident of where the grid falls (a DP is cheap).
   */
  static final double[] LAMBDAS = java.util.stream.DoubleStream.concat(java.util.stream.DoubleStream.of(0),
      java.util.stream.IntStream.rangeClosed(0, 80).mapToDouble(k -> Math.pow(10, -7 + k / 16.0))).toArray();

  private HindsightVoteRule() {}

  /** {@return both families' points at every lambda, means over the seeds as every other method's} */
  static List<ReplayResults.MethodResult> measure(List<TraceRecord> test, SampleOrder order, int seeds) {
    List<ReplayResults.MethodResult> out = new ArrayList<>();
    if (test.isEmpty()) return out;
    for (boolean knowsAgreement : new boolean[] {false, true}) {
      List<Episode> episodes = new ArrayList<>();
      for (int s = 0; s < seeds; s++) {
        for (TraceRecord r : test) {
          if (!r.samples().isEmpty()) episodes.add(episode(r, order.indices(r.samples().size(), s, r.qid()), s, knowsAgreement));
        }
      }
      for (double lambda : LAMBDAS) out.add(score(episodes, continueStates(episodes, lambda), seeds, test.size(), knowsAgreement, lambda));
    }
    return out;
  }

  private static Episode episode(TraceRecord r, int[] order, int seed, boolean knowsAgreement) {
    Map<String, Boolean> correct = new HashMap<>();
    var all = new Tally();
    for (TraceRecord.Sample s : r.samples()) {
      String key = Answers.normalize(s.answer());
      all.add(key);
      if (key != null) correct.putIfAbsent(key, Boolean.TRUE.equals(s.correct()));
    }
    int agreement = -1;
    if (knowsAgreement) {
      int[] counts = all.sortedCounts();
      agreement = Math.min(9, (int) (10.0 * (counts.length == 0 ? 0 : counts[0]) / r.samples().size()));
    }
    int n = order.length;
    State[] states = new State[n];
    double[] accuracy = new double[n];
    long[] tokens = new long[n];
    var tally = new Tally();
    long spent = 0;
    for (int i = 0; i < n; i++) {
      TraceRecord.Sample s = r.samples().get(order[i]);
      tally.add(Answers.normalize(s.answer()));
      spent += s.tokens();
      int[] counts = tally.sortedCounts();
      states[i] = new State(i + 1, counts.length > 0 ? counts[0] : 0, counts.length > 1 ? counts[1] : 0,
          Math.min(4, counts.length), tally.samples() - tally.votes(), agreement);
      List<String> leaders = tally.leaders();
      accuracy[i] = leaders.isEmpty() ? 0 : leaders.stream().filter(correct::get).count() / (double) leaders.size();
      tokens[i] = spent;
    }
    return new Episode(seed, states, accuracy, tokens);
  }

  /**
   * {@return the states in which drawing on is worth more than stopping at {@code lambda}} Backward
   * over the samples drawn: a state's value is the larger of its mean accuracy and, less lambda times
   * the mean tokens of the next sample, the mean value of the states that follow it in the draws.
   */
  private static Set<State> continueStates(List<Episode> episodes, double lambda) {
    record Stats(double[] accuracy, double[] nextTokens, Map<State, Integer> next) {}
    Map<State, Stats> stats = new HashMap<>();
    for (Episode e : episodes) {
      for (int i = 0; i < e.states().length; i++) {
        var st = stats.computeIfAbsent(e.states()[i], k -> new Stats(new double[2], new double[2], new HashMap<>()));
        st.accuracy()[0] += e.accuracy()[i];
        st.accuracy()[1]++;
        if (i + 1 < e.states().length) {
          st.nextTokens()[0] += e.tokens()[i + 1] - e.tokens()[i];
          st.nextTokens()[1]++;
          st.next().merge(e.states()[i + 1], 1, Integer::sum);
        }
      }
    }
    List<State> backward = new ArrayList<>(stats.keySet());
    backward.sort(Comparator.comparingInt(State::samples).reversed());
    Map<State, Double> value = new HashMap<>();
    Set<State> drawOn = new HashSet<>();
    for (State s : backward) {
      Stats st = stats.get(s);
      double stop = st.accuracy()[0] / st.accuracy()[1];
      double best = stop;
      if (st.nextTokens()[1] > 0) {
        double future = 0;
        for (var e : st.next().entrySet()) future += e.getValue() * value.get(e.getKey());
        double drawing = future / st.nextTokens()[1] - lambda * st.nextTokens()[0] / st.nextTokens()[1];
        if (drawing > stop + 1e-12) {
          best = drawing;
          drawOn.add(s);
        }
      }
      value.put(s, best);
    }
    return drawOn;
  }

  private static ReplayResults.MethodResult score(List<Episode> episodes, Set<State> drawOn, int seeds, int questions,
      boolean knowsAgreement, double lambda) {
    double[][] perSeed = new double[3][seeds];
    for (Episode e : episodes) {
      int stop = 0;
      while (stop + 1 < e.states().length && drawOn.contains(e.states()[stop])) stop++;
      perSeed[0][e.seed()] += e.accuracy()[stop];
      perSeed[1][e.seed()] += e.tokens()[stop];
      perSeed[2][e.seed()] += stop + 1;
    }
    for (double[] v : perSeed) for (int s = 0; s < seeds; s++) v[s] /= questions;
    String name = String.format(Locale.ROOT, "DP on the vote%s, fitted in hindsight, lambda %.2g", knowsAgreement ? " + agreement" : "", lambda);
    return new ReplayResults.MethodResult(name, knowsAgreement ? AGREEMENT : VOTE, lambda,
        Stats.mean(perSeed[0]), Stats.mean(perSeed[1]), Stats.mean(perSeed[2]),
        Stats.ci95(perSeed[0]), Stats.ci95(perSeed[1]), Stats.ci95(perSeed[2]), false);
  }
}
