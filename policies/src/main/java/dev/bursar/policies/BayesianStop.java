package dev.bursar.policies;

import dev.bursar.controller.StoppingRule;
import dev.bursar.controller.Tally;
import dev.bursar.estimators.AnswerPrior;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Optimal Bayesian stopping for self-consistency with a prior learned from past questions' answer
 * distributions (docs/ALGORITHMS.md §2.3, arXiv 2602.05395): the published anchor bursar's own
 * policy is compared against. The vote is summarised as the counts of the two leading answers and of
 * every other sample, {@code (a, b, o)}; the prior is the past questions themselves, each a
 * categorical distribution over its answers (its five most frequent, two slots for answers it never
 * gave, and no answer), so the posterior after a vote weighs each past question by how likely it
 * was to produce it. A stop pays P(the leader is that question's most frequent answer); each sample
 * costs {@code cost} of it; the stop table is the exact solution of that stopping problem by
 * backward induction over every state up to the cap. Needs no gold: only past questions' answers.
 * Knows nothing of the query: the same table serves every question of the workload.
 */
public final class BayesianStop {
  /** Largest cap the tables are built for: the state space grows as the cube of the cap. */
  public static final int MAX_CAP = 64;

  private BayesianStop() {}

  /**
   * What the prior predicts in every vote state {@code (a, b, o)} with {@code a >= b}, {@code a + b +
   * o <= cap}: the reward of stopping there and the probability that the next sample is the leader,
   * the runner-up (with no runner-up yet, any new answer) or neither (with no runner-up yet, a sample
   * without an answer). Built once per workload; {@link #rule} solves it at a cost.
   */
  public record Prior(int cap, int questions, double[] reward, double[] nextLeader, double[] nextSecond) {
    /** {@return the stopping rule that is optimal under this prior at {@code cost} accuracy per sample} */
    public Rule rule(double cost) {
      if (!(cost >= 0) || Double.isInfinite(cost)) throw new IllegalArgumentException("cost must be >= 0, was " + cost);
      double[] value = new double[reward.length];
      boolean[] stop = new boolean[reward.length];
      for (int n = cap; n >= 0; n--) {
        for (int a = 0; a <= n; a++) {
          for (int b = 0; b <= Math.min(a, n - a); b++) {
            int o = n - a - b;
            int i = index(cap, a, b, o);
            if (n == cap) {
              value[i] = reward[i];
              stop[i] = true;
              continue;
            }
            double pA = nextLeader[i], pB = nextSecond[i], pO = Math.max(0, 1 - pA - pB);
            double go = -cost + pA * value[index(cap, a + 1, b, o)] + pB * value[afterSecond(a, b, o)]
                + pO * value[index(cap, a, b, o + 1)];
            stop[i] = n > 0 && reward[i] >= go;
            value[i] = Math.max(n > 0 ? reward[i] : Double.NEGATIVE_INFINITY, go);
          }
        }
      }
      return new Rule(this, cost, stop);
    }

    private int afterSecond(int a, int b, int o) {
      if (a == 0) return index(cap, 1, 0, o); // the first answer
      return b + 1 <= a ? index(cap, a, b + 1, o) : index(cap, b + 1, a, o);
    }

    /** {@return the index of the state {@code tally} is in (at most {@link #cap} samples)} */
    public int stateOf(Tally tally) {
      int[] c = tally.sortedCounts();
      return state(c.length > 0 ? c[0] : 0, c.length > 1 ? c[1] : 0, tally.samples());
    }

    /** {@return the index of the state with these votes for the leader and the runner-up after {@code samples} samples} */
    public int state(int leader, int second, int samples) {
      if (samples > cap || second > leader || leader + second > samples) {
        throw new IllegalArgumentException("no state " + leader + "/" + second + " after " + samples + " samples (cap " + cap + ")");
      }
      return index(cap, leader, second, samples - leader - second);
    }
  }

  /**
   * The stop table at one cost, a {@link StoppingRule}: stops where stopping is worth at least
   * drawing on, and at the cap.
   */
  public record Rule(Prior prior, double cost, boolean[] stop) implements StoppingRule {
    @Override
    public boolean shouldStop(Tally tally) {
      if (tally.samples() >= prior.cap()) return true;
      return stop[prior.stateOf(tally)];
    }

    /** {@return whether the rule stops in state {@code state} (from {@link Prior#state})} */
    public boolean stopsAt(int state) {
      return stop[state];
    }

    /** {@return the posterior probability that the leader is the question's most frequent answer} */
    @Override
    public double confidence(Tally tally) {
      return tally.votes() == 0 || tally.samples() > prior.cap() ? Double.NaN : prior.reward()[prior.stateOf(tally)];
    }

    @Override
    public int cap(int maxSamples) {
      return Math.min(prior.cap(), maxSamples);
    }

    @Override
    public String family() {
      return "bayes-stop";
    }

    @Override
    public Double param() {
      return cost;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "BayesianStop{cost %.3g per sample, prior of %d questions, cap %d}", cost, prior.questions(), cap(Integer.MAX_VALUE));
    }
  }

  /**
   * {@return the prior of a workload from its past questions' answers}
   *
   * @param pastAnswers each past question's vote keys, null where a sample had no answer; questions
   *     without samples are skipped
   * @param cap the most samples a question may draw, at most {@link #MAX_CAP}
   */
  public static Prior fit(List<List<@Nullable String>> pastAnswers, int cap) {
    List<AnswerPrior.Counts> counts = new ArrayList<>();
    for (List<@Nullable String> answers : pastAnswers) {
      AnswerPrior.Counts c = AnswerPrior.Counts.of(answers);
      if (c != null) counts.add(c);
    }
    return fitCounts(counts, cap);
  }

  /** Solved tables by prior and cost: a policy rebuilt at the same lambda reuses its table. */
  private static final Map<Prior, Map<Double, Rule>> RULES = Collections.synchronizedMap(new WeakHashMap<>());
  private static final Map<AnswerPrior, Map<Integer, Prior>> PRIORS = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * {@return the prior a stop model carries, built for {@code cap}} Built once per prior and cap (a
   * fraction of a second at a cap of 40): every lambda of a policy file shares it.
   */
  public static Prior prior(AnswerPrior answers, int cap) {
    return PRIORS.computeIfAbsent(answers, a -> new java.util.concurrent.ConcurrentHashMap<>())
        .computeIfAbsent(cap, c -> fitCounts(answers.questions(), c));
  }

  /**
   * {@return the rule a policy at {@code lambda} adds to its learned stop: each sample costs lambda times
   * the prior's mean tokens per sample; null when the model carries no answer prior or the cap is beyond
   * {@link #MAX_CAP}} Solved once per prior, cap and cost.
   */
  public static @Nullable Rule ruleFor(dev.bursar.estimators.StopModel model, int cap, double lambda) {
    AnswerPrior answers = model.answerPrior();
    if (answers == null || cap > MAX_CAP) return null;
    Prior prior = prior(answers, cap);
    double cost = lambda * answers.tokensPerSample();
    return RULES.computeIfAbsent(prior, p -> new java.util.concurrent.ConcurrentHashMap<>()).computeIfAbsent(cost, prior::rule);
  }

  static Prior fitCounts(List<AnswerPrior.Counts> counts, int cap) {
    if (cap < 1 || cap > MAX_CAP) throw new IllegalArgumentException("cap must be in [1, " + MAX_CAP + "], was " + cap);
    List<PastQuestion> past = new ArrayList<>();
    for (AnswerPrior.Counts c : counts) past.add(PastQuestion.of(c));
    if (past.isEmpty()) throw new IllegalArgumentException("no past question has a sample: nothing to fit the prior on");
    int size = (cap + 1) * (cap + 1) * (cap + 1);
    double[] reward = new double[size], nextLeader = new double[size], nextSecond = new double[size];
    double[] logWeight = new double[past.size() * PastQuestion.SLOTS * PastQuestion.SLOTS];
    for (int n = 0; n <= cap; n++) {
      for (int a = 0; a <= n; a++) {
        for (int b = 0; b <= Math.min(a, n - a); b++) {
          int i = index(cap, a, b, n - a - b);
          posterior(past, a, b, n - a - b, logWeight, i, reward, nextLeader, nextSecond);
        }
      }
    }
    return new Prior(cap, past.size(), reward, nextLeader, nextSecond);
  }

  /**
   * Fills state {@code i}'s reward and next-sample probabilities: a mixture over past questions and
   * over which of their answers are the leader {@code k} and the runner-up {@code l}.
   */
  private static void posterior(List<PastQuestion> past, int a, int b, int o, double[] logWeight, int i,
      double[] reward, double[] nextLeader, double[] nextSecond) {
    int s = PastQuestion.SLOTS;
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < past.size(); j++) {
      PastQuestion q = past.get(j);
      for (int k = 0; k < s; k++) {
        for (int l = 0; l < s; l++) {
          int w = (j * s + k) * s + l;
          logWeight[w] = Double.NEGATIVE_INFINITY;
          if (a == 0) {
            // Nothing voted yet: only the samples without an answer say anything.
            if (k == 0 && l == 0) logWeight[w] = o * q.logNone;
          } else if (b == 0) {
            if (l == 0 && q.p[k] > 0) logWeight[w] = a * q.logP[k] + o * q.logNone;
          } else if (k != l && q.p[k] > 0 && q.p[l] > 0) {
            logWeight[w] = a * q.logP[k] + b * q.logP[l] + o * q.logRest[k * s + l];
          }
          max = Math.max(max, logWeight[w]);
        }
      }
    }
    double total = 0, r = 0, pA = 0, pB = 0;
    for (int j = 0; j < past.size(); j++) {
      PastQuestion q = past.get(j);
      for (int k = 0; k < s; k++) {
        for (int l = 0; l < s; l++) {
          double lw = logWeight[(j * s + k) * s + l];
          if (lw == Double.NEGATIVE_INFINITY) continue;
          double w = Math.exp(lw - max);
          total += w;
          if (a == 0) {
            pB += w * (1 - q.none); // the first answer arrives
          } else if (b == 0) {
            r += w * q.mode[k];
            pA += w * q.p[k];
            pB += w * (1 - q.p[k] - q.none); // a new answer becomes the runner-up
          } else {
            r += w * (a == b ? (q.mode[k] + q.mode[l]) / 2 : q.mode[k]);
            pA += w * q.p[k];
            pB += w * q.p[l];
          }
        }
      }
    }
    reward[i] = r / total;
    nextLeader[i] = pA / total;
    nextSecond[i] = pB / total;
  }

  private static int index(int cap, int a, int b, int o) {
    return (a * (cap + 1) + b) * (cap + 1) + o;
  }

  /**
   * One past question as a categorical distribution over its answers, smoothed so that an answer it
   * never gave (two slots) and a sample without an answer stay possible.
   *
   * @param p probability of each slot: its most frequent answers, then two unseen answers
   * @param mode each slot's share of being its most frequent answer (1/t for t tied answers)
   * @param none probability of a sample without an answer
   * @param logP the logarithm of each slot's probability (what the posterior sums)
   * @param logNone the logarithm of {@code none}
   * @param logRest the logarithm of {@code 1 - p[k] - p[l]} (neither slot) at {@code k * SLOTS + l}
   */
  private record PastQuestion(double[] p, double[] mode, double none, double[] logP, double logNone, double[] logRest) {
    static final int SLOTS = AnswerPrior.TOP_ANSWERS + 2;

    static PastQuestion of(AnswerPrior.Counts counts) {
      int n = counts.samples(), none = counts.none();
      int[] top = counts.top();
      int answered = n - none;
      double pNone = (none + 0.5) / (n + 1);
      double unseen = 0.5 / (n + 1);
      double[] p = new double[SLOTS];
      double[] mode = new double[SLOTS];
      double scale = answered == 0 ? 0 : (1 - pNone - 2 * unseen) / answered;
      if (answered == 0) unseen = (1 - pNone) / 2;
      int ties = 0;
      for (int c : top) if (c == top[0]) ties++;
      for (int k = 0; k < top.length; k++) {
        p[k] = top[k] * scale;
        mode[k] = top[k] == top[0] ? 1.0 / ties : 0;
      }
      p[AnswerPrior.TOP_ANSWERS] = unseen;
      p[AnswerPrior.TOP_ANSWERS + 1] = unseen;
      double[] logP = new double[SLOTS];
      double[] logRest = new double[SLOTS * SLOTS];
      for (int k = 0; k < SLOTS; k++) {
        logP[k] = Math.log(p[k]);
        for (int l = 0; l < SLOTS; l++) logRest[k * SLOTS + l] = Math.log(Math.max(1e-12, 1 - p[k] - p[l]));
      }
      return new PastQuestion(p, mode, pNone, logP, Math.log(pNone), logRest);
    }
  }
}
