package dev.bursar.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The state of one request while a mode runs: what is left of the budget, what was spent, and why
 * it stopped. Every backend call goes through {@link #call}, which caps each sequence so that the
 * call can never spend more than what is left, and cancels sequences once the deadline passes.
 */
final class RunContext {
  final Backend backend;
  final String prompt;
  final Request request;
  final Plan plan;
  final ReasoningFormat format;
  private final Ticker ticker;
  private final long start;
  private final long deadline; // Long.MAX_VALUE when none
  private long remaining;
  long inputTokens;
  long outputTokens;
  int samples;
  final List<String> exits = new ArrayList<>();
  private final boolean recordedAnswers;

  RunContext(Backend backend, Request request, Plan plan, Budget budget, ReasoningFormat format, Ticker ticker) {
    this.backend = backend;
    this.request = request;
    this.prompt = request.prompt();
    this.plan = plan;
    this.format = format;
    this.ticker = ticker;
    this.start = ticker.read();
    this.deadline = budget.deadline() == null ? Long.MAX_VALUE : start + budget.deadline().toNanos();
    this.remaining = budget.outputTokens();
    this.recordedAnswers = backend.capabilities().contains(Capability.RECORDED_ANSWERS);
  }

  long remaining() {
    return remaining;
  }

  boolean expired() {
    return deadline != Long.MAX_VALUE && ticker.read() - deadline >= 0;
  }

  long elapsedNanos() {
    return ticker.read() - start;
  }

  /** {@return the per-sequence cap for {@code n} sequences wanting {@code want} tokens each; 0 when nothing is left} */
  int allowance(int n, int want) {
    return (int) Math.min(want, remaining / n);
  }

  void exit(String reason) {
    if (!exits.contains(reason)) exits.add(reason);
  }

  /**
   * Runs one backend call with {@code n} sequences of at most {@code maxTokens} each (the caller
   * has checked {@link #allowance}); charges what it produced.
   */
  List<Generation> call(String fullPrompt, int n, int maxTokens, Sampling sampling, List<String> stop, int topLogprobs,
      TokenListener listener) {
    if ((long) n * maxTokens > remaining) {
      throw new IllegalStateException("internal: call of " + n + "x" + maxTokens + " exceeds remaining " + remaining);
    }
    var req = new GenerationRequest(fullPrompt, n, maxTokens, sampling, stop, topLogprobs, request.attributes());
    TokenListener guarded = (seq, ev) -> {
      if (expired()) {
        exit("deadline");
        return false;
      }
      return listener.onToken(seq, ev);
    };
    List<Generation> out = backend.generate(req, guarded);
    for (Generation g : out) {
      // A backend that overran its cap is charged only the cap: the budget is what we promised the caller.
      outputTokens += Math.min(g.outputTokens(), maxTokens);
      remaining -= Math.min(g.outputTokens(), maxTokens);
      inputTokens += g.inputTokens();
    }
    return out;
  }

  /** {@return the answer a generation carries: the source's own when recorded (replay), else read from its text} */
  Optional<String> answerOf(Generation g) {
    if (recordedAnswers) return Optional.ofNullable(g.recordedAnswer()); // null: the source had none, do not guess
    return answerOf(g.text());
  }

  /** {@return the answer in {@code text}: after the last answer marker up to its end, else the generic extractor} */
  Optional<String> answerOf(String text) {
    int i = text.lastIndexOf(format.answerMarker());
    if (i >= 0) {
      String rest = text.substring(i + format.answerMarker().length());
      int end = rest.length();
      for (String s : format.answerEnd()) {
        int j = rest.indexOf(s);
        if (j >= 0) end = Math.min(end, j);
      }
      String a = rest.substring(0, end).strip();
      return a.isEmpty() ? Optional.empty() : Optional.of(a);
    }
    // A chain in this format that never reached its answer marker was cut off: it has no answer,
    // and the generic extractor's whole-text fallback would turn the partial thinking into a vote.
    if (!format.thinkOpen().isEmpty() && text.contains(format.thinkOpen())) return Optional.empty();
    return AnswerExtractor.extract(text);
  }

  static @Nullable String voteKey(Optional<String> answer) {
    return AnswerNormalizer.normalize(answer.orElse(null));
  }

  Outcome answered(String answer, double confidence, String text) {
    return new Outcome.Answered(answer, confidence, text, plan.mode().name(), samples, inputTokens, outputTokens,
        exits, java.time.Duration.ofNanos(elapsedNanos()));
  }

  Outcome abstained(String reason, @Nullable String bestGuess) {
    return new Outcome.Abstained(reason, bestGuess, plan.mode().name(), samples, inputTokens, outputTokens, exits,
        java.time.Duration.ofNanos(elapsedNanos()));
  }

  Outcome failed(String error, boolean retryable) {
    return new Outcome.Failed(error, retryable, plan.mode().name(), samples, inputTokens, outputTokens, exits,
        java.time.Duration.ofNanos(elapsedNanos()));
  }
}
