package dev.bursar.controller;

import java.util.ArrayList;
import java.util.List;

/**
 * SELF_CONSISTENCY: samples in parallel waves from one prompt (so a prefix-caching backend
 * prefills it once), optionally a greedy first sample alone, a stopping rule checked after every sample, and optionally DeepConf online
 * pruning and confidence-weighted votes. Samples of a wave that finished past the stopping point
 * were paid for, so they vote too.
 */
final class SelfConsistencyRunner {
  private SelfConsistencyRunner() {}

  static Outcome run(RunContext ctx, Mode.SelfConsistency mode) {
    int cap = mode.stop().cap(mode.maxSamples());
    TracePruning pruning = mode.pruning();
    boolean needConfidence = pruning != null || mode.weighted();
    // A vote by text scores can turn on any later sample: no wave is cut short as decided by the counts.
    boolean byScore = !mode.weighted() && mode.stop().votesByScore();
    var tally = new Tally();
    List<Double> warmup = new ArrayList<>();
    // Draw-ordered votes, kept so warm-up traces that fall below the threshold can be dropped (DeepConf).
    List<@org.jspecify.annotations.Nullable String> keys = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    List<Double> confs = new ArrayList<>();
    double threshold = Double.NaN;
    int pruned = 0;
    boolean stop = false;
    List<Generation> voted = new ArrayList<>();
    while (!stop && tally.samples() < cap) {
      if (ctx.expired()) {
        ctx.exit(ExitReason.Limit.DEADLINE);
        break;
      }
      boolean greedyDraw = mode.greedyFirst() && tally.samples() == 0;
      int n = greedyDraw ? 1 : Math.min(mode.wave(), cap - tally.samples());
      // Warm-up traces must run to the end, one per draw, before a threshold exists.
      if (pruning != null && Double.isNaN(threshold)) n = Math.min(n, pruning.warmup() - warmup.size());
      // Fewer full-length samples beat many truncated ones: shrink the wave until each fits.
      while (n > 1 && ctx.allowance(n, ctx.plan.maxTokensPerSample()) < ctx.plan.maxTokensPerSample()) n--;
      int per = n < 1 ? 0 : ctx.allowance(n, ctx.plan.maxTokensPerSample());
      if (per < 1) {
        ctx.exit(ExitReason.Limit.BUDGET);
        break;
      }
      final double bar = threshold;
      Confidence.Window[] windows = new Confidence.Window[n];
      if (pruning != null && !Double.isNaN(bar)) for (int i = 0; i < n; i++) windows[i] = new Confidence.Window(pruning.window());
      // Samples of a wave that finish first may decide the vote: then the rest are cancelled one by one.
      DecidedWave early = n > 1 && pruning == null && !mode.weighted() && !byScore && ctx.can(Capability.CANCELLATION)
          ? new DecidedWave(ctx, tally, mode.stop(), n) : null;
      TokenListener listener = early != null ? early::onToken : Double.isNaN(bar) ? TokenListener.NONE : (seq, ev) -> {
        double mean = windows[seq].add(ev.confidence());
        return Double.isNaN(mean) || mean >= bar;
      };
      Sampling s = greedyDraw ? Sampling.GREEDY : ctx.plan.sampling().withSeed(ctx.plan.sampling().seed() * 1_000_003L + tally.samples());
      List<Generation> wave = ctx.sample(n, per, s, needConfidence ? 20 : 0, listener);
      if (wave.isEmpty()) { // a recorded source ran out of samples
        ctx.exit(ExitReason.Limit.EXHAUSTED);
        break;
      }
      int cutByVote = 0;
      for (Generation g : wave) {
        ctx.samples++;
        if (g.finish() == FinishReason.CANCELLED && early != null && early.decided()) {
          cutByVote++;
          tally.add(null, 1.0, g.outputTokens()); // paid for, cut short because the vote no longer needed it
          keys.add(null);
          weights.add(0.0);
          confs.add(Double.NaN);
        } else if (g.finish() == FinishReason.CANCELLED) {
          pruned++;
          tally.add(null, 1.0, g.outputTokens());
          keys.add(null);
          weights.add(0.0);
          confs.add(Double.NaN);
        } else {
          String key = RunContext.voteKey(ctx.answerOf(g));
          double conf = g.tokenConfidence() == null ? Double.NaN
              : Confidence.lowestWindow(g.tokenConfidence(), pruning == null ? 8 : pruning.window());
          if (pruning != null && Double.isNaN(threshold) && !Double.isNaN(conf)) warmup.add(conf);
          double w = mode.weighted() && !Double.isNaN(conf) ? conf : 1.0;
          tally.add(key, w, g.outputTokens(), g.meanLogprob(), mode.stop().sampleScore(g.text(), key, g.verifierScore()));
          keys.add(key);
          weights.add(w);
          confs.add(conf);
          voted.add(g);
        }
        if (mode.stop().shouldStop(tally)) stop = true;
      }
      if (early != null && early.decided()) {
        // Decided on the answers in the order they finished; drawing on would only repeat it.
        stop = true;
        if (cutByVote > 0) ctx.exit(ExitReason.Early.VOTE_DECIDED);
      }
      if (pruning != null && Double.isNaN(threshold) && warmup.size() >= pruning.warmup()) {
        threshold = Confidence.percentile(warmup.stream().mapToDouble(Double::doubleValue).toArray(),
            100 - pruning.keepPercent());
        tally = withoutWeakWarmup(tally, keys, weights, confs, threshold);
      }
    }
    if (stop) ctx.exit(new ExitReason.RuleStop(mode.stop().family()));
    else if (tally.samples() >= cap) ctx.exit(ExitReason.Limit.MAX_SAMPLES);
    if (pruned > 0) ctx.exit(new ExitReason.Pruned(pruned));
    final Tally votes = tally;
    var voteSpan = ctx.telemetry.child(io.opentelemetry.context.Context.current(), "bursar.vote");
    String leader = mode.weighted() ? votes.weightedLeader() : byScore ? votes.scoreLeader() : votes.leader();
    ctx.telemetry.endVote(voteSpan, votes.votes(), leader != null);
    if (leader == null) return ctx.abstained("no sample produced an answer", null);
    Generation first = voted.stream().filter(g -> leader.equals(RunContext.voteKey(ctx.answerOf(g)))).findFirst().orElseThrow();
    // The rule's calibrated confidence is about the most frequent answer; another one reports its samples' mean score.
    double calibrated = byScore && !leader.equals(votes.leader()) ? votes.meanScore(leader) : mode.stop().confidence(votes);
    double confidence = !Double.isNaN(calibrated) ? calibrated : mode.weighted() ? votes.weightedLeaderShare() : votes.leaderShare();
    return ctx.answered(ctx.answerOf(first).orElse(leader), confidence, first.text());
  }

  /**
   * Rebuilds the tally with the warm-up traces (every draw so far) whose lowest window confidence
   * is below the new threshold turned into non-votes, as DeepConf excludes them; they still count
   * as drawn samples.
   */
  private static Tally withoutWeakWarmup(Tally drawn, List<@org.jspecify.annotations.Nullable String> keys, List<Double> weights,
      List<Double> confs, double threshold) {
    var t = new Tally();
    for (int i = 0; i < keys.size(); i++) {
      boolean weak = confs.get(i) < threshold; // NaN (unknown) is never weak
      t.add(weak ? null : keys.get(i), weights.get(i), drawn.outputTokens(i), drawn.meanLogprob(i), drawn.sampleScore(i));
    }
    return t;
  }

  /**
   * Counts the votes of a wave's samples as each one completes its answer (in the order they finish,
   * after the votes drawn before the wave), and cancels the others once the stopping rule is
   * satisfied. Called on the backend's threads, hence synchronized.
   */
  static final class DecidedWave {
    private final RunContext ctx;
    private final StoppingRule rule;
    private final Tally trial = new Tally();
    private final StringBuilder[] texts;
    private final boolean[] counted;
    private volatile boolean decided;

    DecidedWave(RunContext ctx, Tally before, StoppingRule rule, int n) {
      this.ctx = ctx;
      this.rule = rule;
      for (int i = 0; i < before.samples(); i++) trial.add(before.history().get(i), 1.0, before.outputTokens(i));
      texts = new StringBuilder[n];
      for (int i = 0; i < n; i++) texts[i] = new StringBuilder();
      counted = new boolean[n];
    }

    synchronized boolean onToken(int seq, TokenListener.TokenEvent ev) {
      if (decided) return counted[seq]; // a finished answer may end; the rest are cancelled
      texts[seq].append(ev.text());
      if (!counted[seq] && ctx.format.answerComplete(texts[seq].toString())) {
        counted[seq] = true;
        trial.add(RunContext.voteKey(ctx.answerOf(texts[seq].toString())), 1.0, ev.position() + 1);
        if (rule.shouldStop(trial)) decided = true;
      }
      return true;
    }

    boolean decided() {
      return decided;
    }
  }
}
