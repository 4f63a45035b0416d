package dev.bursar.controller;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * DEEP_SEARCH: step-level beam search and DVTS (docs/ALGORITHMS.md §8). Each live beam expands
 * {@code expansions} candidate next steps from its prefix (one call, so the prefix is prefilled
 * once), the verifier scores each partial solution by its last step, and the best survive: the
 * global top {@code beamWidth} in beam search, the best child of each subtree in DVTS. A candidate
 * that writes its answer is complete; the answer is the best-scored complete candidate's. When
 * depth or budget runs out first, the best live beam's answer is forced.
 */
final class DeepSearchRunner {
  /** Tokens kept back to force an answer when the search must stop. */
  static final int ANSWER_RESERVE = 12;

  private record Beam(String thinking, double score, int subtree) {}

  private DeepSearchRunner() {}

  static Outcome run(RunContext ctx, Mode.DeepSearch mode) {
    List<Beam> beams = new ArrayList<>();
    for (int i = 0; i < (mode.dvts() ? mode.beamWidth() : 1); i++) beams.add(new Beam("", 0, i));
    List<Beam> complete = new ArrayList<>();
    int width = mode.beamWidth();
    long call = 0;
    for (int depth = 0; depth < mode.maxDepth() && !beams.isEmpty(); depth++) {
      List<Beam> candidates = new ArrayList<>();
      for (Beam b : beams) {
        if (ctx.expired()) {
          ctx.exit(ExitReason.Limit.DEADLINE);
          return forceBest(ctx, beams, complete);
        }
        int k = depth == 0 && !mode.dvts() ? Math.max(mode.expansions(), width) : mode.expansions();
        int per = (int) Math.min(ctx.plan.maxTokensPerSample(), (ctx.remaining() - ANSWER_RESERVE) / k);
        if (per < 1) {
          ctx.exit(ExitReason.Limit.BUDGET);
          return forceBest(ctx, beams, complete);
        }
        Sampling s = ctx.plan.sampling().withSeed(ctx.plan.sampling().seed() * 7_919L + call++);
        List<Generation> gens = ctx.call(ctx.prompt + b.thinking(), k, per, s, List.of(ctx.format.stepDelimiter()),
            0, TokenListener.NONE);
        for (Generation g : gens) {
          ctx.samples++;
          String th = b.thinking() + g.text();
          if (g.finish() == FinishReason.STOP && !g.text().endsWith(ctx.format.stepDelimiter())) {
            th += ctx.format.stepDelimiter();
          }
          if (g.text().isEmpty()) continue;
          double score = mode.verifier().score(ctx.backend, ctx.prompt, th, g);
          var c = new Beam(th, Double.isNaN(score) ? Double.NEGATIVE_INFINITY : score, b.subtree());
          boolean done = th.contains(ctx.format.answerMarker()) || g.finish() == FinishReason.EOS;
          if (done) complete.add(c); else candidates.add(c);
        }
      }
      beams = select(candidates, mode, width);
    }
    if (!beams.isEmpty() && complete.isEmpty()) ctx.exit(ExitReason.Limit.MAX_DEPTH);
    return complete.isEmpty() ? forceBest(ctx, beams, complete) : best(ctx, complete);
  }

  private static List<Beam> select(List<Beam> candidates, Mode.DeepSearch mode, int width) {
    var byScore = Comparator.comparingDouble(Beam::score).reversed();
    if (!mode.dvts()) return candidates.stream().sorted(byScore).limit(width).toList();
    List<Beam> out = new ArrayList<>();
    for (int t = 0; t < width; t++) {
      final int tree = t;
      candidates.stream().filter(c -> c.subtree() == tree).max(Comparator.comparingDouble(Beam::score)).ifPresent(out::add);
    }
    return out;
  }

  private static Outcome best(RunContext ctx, List<Beam> complete) {
    ctx.exit(ExitReason.Early.SEARCH_ANSWERED);
    Beam b = complete.stream().max(Comparator.comparingDouble(Beam::score)).orElseThrow();
    Optional<String> a = ctx.answerOf(b.thinking());
    return a.isPresent() ? ctx.answered(a.get(), squash(b.score()), b.thinking())
        : ctx.abstained("the best complete candidate has no answer", null);
  }

  /** Forces the answer after the best live beam; falls back to the best complete one. */
  private static Outcome forceBest(RunContext ctx, List<Beam> beams, List<Beam> complete) {
    if (!complete.isEmpty()) return best(ctx, complete);
    Beam b = beams.stream().max(Comparator.comparingDouble(Beam::score)).orElse(new Beam("", 0, 0));
    int n = ctx.allowance(1, ANSWER_RESERVE);
    if (n < 1) return ctx.abstained("budget ran out before an answer", null);
    ctx.exit(ExitReason.Early.SEARCH_FORCED);
    String forced = b.thinking() + ctx.format.forceSuffix();
    Generation g = ctx.call(ctx.prompt + forced, 1, n, Sampling.GREEDY, ctx.format.answerEnd(), 0, TokenListener.NONE)
        .getFirst();
    ctx.samples++;
    Optional<String> a = ctx.answerOf(forced + g.text());
    return a.isPresent() ? ctx.answered(a.get(), squash(b.score()), forced + g.text())
        : ctx.abstained("the forced answer is empty", null);
  }

  /** Maps a verifier score to (0, 1) for the outcome's confidence (probabilities pass through). */
  private static double squash(double score) {
    if (score >= 0 && score <= 1) return score;
    return 1 / (1 + Math.exp(-score));
  }
}
