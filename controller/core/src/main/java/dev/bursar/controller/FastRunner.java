package dev.bursar.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * FAST: one chain of thought. Without exits it is one call. With {@link ThinkingExit.ProbeConvergence}
 * the chain is generated step by step and probed at step boundaries (Dynasor-CoT, with the intended
 * agreement rule and whole-word hesitation matching, docs/ALGORITHMS.md §4). With
 * {@link ThinkingExit.BudgetForcing} a chain that would outrun the budget is cut and its answer forced.
 * With {@link ThinkingExit.RemainingLengthForcing} it is generated step by step and cut as soon as
 * the remaining-length head says it cannot finish inside the budget.
 */
final class FastRunner {
  /** Dynasor's hesitation words, matched as whole words: "no" must not match "know" or "denominator". */
  static final Pattern HESITATION = Pattern.compile("\\b(wait|hold|but|okay|no|hmm)\\b", Pattern.CASE_INSENSITIVE);

  private FastRunner() {}

  static Outcome run(RunContext ctx) {
    ThinkingExit.ProbeConvergence probe = null;
    ThinkingExit.BudgetForcing forcing = null;
    ThinkingExit.RemainingLengthForcing lengthForcing = null;
    ThinkingExit.LengthForecastForcing forecast = null;
    for (ThinkingExit e : ctx.plan.exits()) {
      if (e instanceof ThinkingExit.LengthForecastForcing f) forecast = f;
      if (e instanceof ThinkingExit.ProbeConvergence p) probe = p;
      if (e instanceof ThinkingExit.BudgetForcing f) forcing = f;
      if (e instanceof ThinkingExit.RemainingLengthForcing l) lengthForcing = l;
    }
    if (probe != null && (lengthForcing != null || forecast != null)) {
      throw new IllegalArgumentException("a FAST plan takes probe convergence or length-driven forcing, not both");
    }
    if (lengthForcing != null) return lengthForced(ctx, lengthForcing);
    int reserve = forcing != null ? forcing.answerTokens() : forecast != null ? forecast.answerTokens() : 0;
    return probe == null ? single(ctx, reserve, forecast) : stepwise(ctx, probe, reserve);
  }

  /** One call; with a reserve and cancellation, cut at the budget's edge, or where the length forecast says the chain will overrun. */
  private static Outcome single(RunContext ctx, int reserve, ThinkingExit.@Nullable LengthForecastForcing forecast) {
    int cap = ctx.allowance(1, ctx.plan.maxTokensPerSample());
    boolean watch = reserve > 0 && ctx.can(Capability.CANCELLATION);
    // With cancellation the chain may use the whole budget once it has closed its thinking; it is cut
    // only while still thinking with just the answer's reserve left. Without it, the reserve is held back.
    int main = reserve > 0 && !watch ? Math.min(cap, (int) Math.max(0, ctx.remaining() - reserve)) : cap;
    if (main < 1 || (watch && main <= reserve)) {
      ctx.exit(ExitReason.Limit.BUDGET);
      return ctx.abstained("budget too small for one sample", null);
    }
    var seen = new StringBuilder();
    boolean[] forecastCut = {false};
    TokenListener listener = !watch ? TokenListener.NONE : (seq, ev) -> {
      seen.append(ev.text());
      if (ctx.format.thinkingClosed(seen.toString())) return true;
      if (ev.position() + 1 >= main - reserve) return false;
      // At a step boundary: go on only while finishing inside the budget is at least as likely as not.
      if (forecast != null && ev.text().contains(ctx.format.stepDelimiter()) && forecast.overrunChance(ev.position() + 1, main) > 0.5) {
        forecastCut[0] = true;
        return false;
      }
      return true;
    };
    Generation g = ctx.sample(1, main, ctx.plan.sampling(), 0, listener).getFirst();
    ctx.samples = 1;
    String text = g.text();
    if (forecastCut[0] && g.finish() == FinishReason.CANCELLED && !ctx.format.thinkingClosed(text)) {
      return force(ctx, text, reserve, ExitReason.Early.LENGTH_FORCED);
    }
    boolean cut = g.finish() == FinishReason.LENGTH || (watch && g.finish() == FinishReason.CANCELLED);
    if (reserve > 0 && cut && !ctx.format.thinkingClosed(text)) return force(ctx, text, reserve);
    if (cut) ctx.exit(ExitReason.Limit.LENGTH);
    var recorded = ctx.answerOf(g);
    return recorded.isPresent() ? ctx.answered(recorded.get(), ctx.priorConfidence, text) : ctx.abstained("the sample has no answer", null);
  }

  /** Appends the answer marker to a cut chain and reads the answer it forces. */
  private static Outcome force(RunContext ctx, String thinking, int reserve) {
    return force(ctx, thinking, reserve, ExitReason.Early.BUDGET_FORCED);
  }

  private static Outcome force(RunContext ctx, String thinking, int reserve, ExitReason why) {
    ctx.exit(why);
    int n = ctx.allowance(1, reserve);
    if (n < 1) return ctx.abstained("budget ran out before the answer could be forced", null);
    String forced = thinking + ctx.format.forceSuffix();
    Generation a = ctx.call(ctx.prompt + forced, 1, n, Sampling.GREEDY, ctx.format.answerEnd(), 0, TokenListener.NONE)
        .getFirst();
    return finish(ctx, forced + a.text(), ctx.priorConfidence);
  }

  private static Outcome stepwise(RunContext ctx, ThinkingExit.ProbeConvergence probe, int reserve) {
    String thinking = "";
    List<String> probes = new ArrayList<>();
    int steps = 0;
    int used = 0;
    ctx.samples = 1;
    while (true) {
      int want = ctx.plan.maxTokensPerSample() - used;
      int cap = Math.min(ctx.allowance(1, want), (int) Math.max(0, ctx.remaining() - reserve - probe.probeTokens()));
      if (want < 1 || cap < 1 || ctx.expired()) {
        if (ctx.expired()) ctx.exit(ExitReason.Limit.DEADLINE);
        return reserve > 0 ? force(ctx, thinking, reserve) : ctx.abstained("budget ran out while thinking", null);
      }
      Step step = step(ctx, thinking, cap);
      used += step.generation().outputTokens();
      thinking = step.thinking();
      if (step.closed(ctx.format)) return answerOf(ctx, step, probe.probeTokens());
      steps++;
      if (steps % probe.everySteps() != 0) continue;
      int pn = ctx.allowance(1, probe.probeTokens());
      if (pn < 1) continue;
      Generation p = ctx.probe(ctx.prompt + thinking + ctx.format.forceSuffix(), pn, ctx.format.answerEnd()).getFirst();
      String probeText = p.text().strip();
      probes.add(HESITATION.matcher(probeText).find() ? "" : probeText);
      if (converged(probes, probe.k())) {
        ctx.exit(ExitReason.Early.PROBE_CONVERGED);
        String answer = probes.getLast();
        return ctx.answered(answer, ctx.priorConfidence, thinking + ctx.format.forceSuffix() + answer);
      }
    }
  }

  /**
   * Step by step; after each step the head predicts the thinking still to come from the hidden state
   * at the step's end, and a chain that cannot close inside what the budget leaves after the answer's
   * reserve is cut there. A head the backend fails to feed predicts nothing,
   * and the chain runs on as under plain budget forcing.
   */
  private static Outcome lengthForced(RunContext ctx, ThinkingExit.RemainingLengthForcing exit) {
    if (ctx.backend instanceof WhiteBoxBackend wb) exit.head().requireFits(wb, "the remaining-length head");
    int reserve = exit.answerTokens();
    String thinking = "";
    int used = 0;
    ctx.samples = 1;
    while (true) {
      int want = ctx.plan.maxTokensPerSample() - used;
      int cap = Math.min(ctx.allowance(1, want), (int) Math.max(0, ctx.remaining() - reserve));
      if (want < 1 || cap < 1 || ctx.expired()) {
        if (ctx.expired()) ctx.exit(ExitReason.Limit.DEADLINE);
        return force(ctx, thinking, reserve);
      }
      Step step = step(ctx, thinking, cap);
      used += step.generation().outputTokens();
      thinking = step.thinking();
      if (step.closed(ctx.format)) return answerOf(ctx, step, reserve);
      if (step.generation().finish() == FinishReason.LENGTH) continue; // at the budget's edge: the next turn forces
      double left = ctx.remaining() - reserve;
      if (predictedRemaining(ctx, exit, thinking) > left) return force(ctx, thinking, reserve, ExitReason.Early.LENGTH_FORCED);
    }
  }

  /** One reasoning step and the thinking it ends. */
  private record Step(Generation generation, String thinking) {
    /** {@return whether the chain closed its thinking or ended} */
    boolean closed(ReasoningFormat format) {
      return format.thinkingClosed(thinking) || generation.finish() == FinishReason.EOS || generation.text().isEmpty();
    }
  }

  /** Generates the step after {@code thinking}, putting back the delimiter a stop swallowed. */
  private static Step step(RunContext ctx, String thinking, int cap) {
    Generation g = ctx.call(ctx.prompt + thinking, 1, cap, ctx.plan.sampling(), List.of(ctx.format.stepDelimiter()), 0,
        TokenListener.NONE).getFirst();
    String next = thinking + g.text();
    if (g.finish() == FinishReason.STOP && !g.text().endsWith(ctx.format.stepDelimiter())) next += ctx.format.stepDelimiter();
    return new Step(g, next);
  }

  /** The chain reached its own answer (or ended): read it to the end of the answer line, in at most {@code answerTokens}. */
  private static Outcome answerOf(RunContext ctx, Step closed, int answerTokens) {
    String thinking = closed.thinking();
    if (thinking.contains(ctx.format.answerMarker()) || closed.generation().finish() == FinishReason.EOS) {
      return finish(ctx, thinking, ctx.priorConfidence);
    }
    int n = ctx.allowance(1, Math.max(1, answerTokens));
    if (n < 1) return ctx.abstained("budget ran out before the answer", null);
    Generation rest = ctx.call(ctx.prompt + thinking, 1, n, Sampling.GREEDY, ctx.format.answerEnd(), 0, TokenListener.NONE)
        .getFirst();
    return finish(ctx, thinking + rest.text(), ctx.priorConfidence);
  }

  /** {@return the head's remaining thinking tokens after {@code thinking}, or 0 when it cannot be read} */
  private static double predictedRemaining(RunContext ctx, ThinkingExit.RemainingLengthForcing exit, String thinking) {
    if (!(ctx.backend instanceof WhiteBoxBackend wb)) return 0;
    try {
      return exit.remaining(wb.hiddenStates(ctx.prompt + thinking, exit.head().layer(), new int[] {-1})[0]);
    } catch (BackendException e) {
      return 0;
    }
  }

  /** The last {@code k} probe answers are non-empty (hesitant probes are stored empty) and equal as votes. */
  static boolean converged(List<String> probes, int k) {
    if (probes.size() < k) return false;
    String key = AnswerNormalizer.normalize(probes.get(probes.size() - 1));
    if (key == null) return false;
    for (int i = probes.size() - k; i < probes.size(); i++) {
      if (!key.equals(AnswerNormalizer.normalize(probes.get(i)))) return false;
    }
    return true;
  }

  private static Outcome finish(RunContext ctx, String text, double confidence) {
    Optional<String> answer = ctx.answerOf(text);
    return answer.isPresent() ? ctx.answered(answer.get(), confidence, text)
        : ctx.abstained("the sample has no answer", null);
  }
}
