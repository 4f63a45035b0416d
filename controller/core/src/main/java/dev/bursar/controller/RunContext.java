package dev.bursar.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
  long cachedInputTokens;
  long outputTokens;
  int samples;
  final List<ExitReason> exits = new ArrayList<>();
  private final Set<Capability> capabilities;
  /** Every sequence generated, for the trace sink; null when nobody listens. */
  private final @Nullable List<RunRecord.Sample> generated;

  /** The estimator's P(one sample is right) for this query, NaN when unknown: FAST's confidence. */
  final double priorConfidence;

  final Telemetry telemetry;

  /** Scores whole samples, or null; its failures are counted, never thrown. */
  private final @Nullable SampleVerifier verifier;
  private final java.util.concurrent.atomic.LongAdder verifierFailures;

  RunContext(Backend backend, Set<Capability> capabilities, Request request, Plan plan, Budget budget,
      ReasoningFormat format, Ticker ticker, boolean recordSamples, double priorConfidence, Telemetry telemetry,
      @Nullable SampleVerifier verifier, java.util.concurrent.atomic.LongAdder verifierFailures) {
    this.verifier = verifier;
    this.verifierFailures = verifierFailures;
    this.priorConfidence = priorConfidence;
    this.telemetry = telemetry;
    this.backend = backend;
    this.capabilities = capabilities;
    this.request = request;
    this.prompt = request.prompt();
    this.plan = plan;
    this.format = format;
    this.ticker = ticker;
    this.start = ticker.read();
    this.deadline = budget.deadline() == null ? Long.MAX_VALUE : start + budget.deadline().toNanos();
    this.remaining = budget.outputTokens();
    this.generated = recordSamples ? new ArrayList<>() : null;
  }

  boolean can(Capability c) {
    return capabilities.contains(c);
  }

  List<RunRecord.Sample> generated() {
    return generated == null ? List.of() : generated;
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

  void exit(ExitReason reason) {
    if (!exits.contains(reason)) exits.add(reason);
  }

  /**
   * Runs one backend call for whole samples of the request's prompt (each one answers it): like
   * {@link #call}, and the trace record keeps each sample's answer.
   */
  List<Generation> sample(int n, int maxTokens, Sampling sampling, int topLogprobs, TokenListener listener) {
    return call(prompt, n, maxTokens, sampling, List.of(), topLogprobs, listener, true, "bursar.sample");
  }

  /** A probe: the answer forced at a step boundary to see whether the chain has converged (its own span). */
  List<Generation> probe(String fullPrompt, int maxTokens, List<String> stop) {
    return call(fullPrompt, 1, maxTokens, Sampling.GREEDY, stop, 0, TokenListener.NONE, false, "bursar.probe");
  }

  /**
   * Runs one backend call with {@code n} sequences of at most {@code maxTokens} each (the caller
   * has checked {@link #allowance}); charges what it produced. The sequences are parts of a chain
   * (steps, probes, forced answers): the trace record keeps them without an answer.
   */
  List<Generation> call(String fullPrompt, int n, int maxTokens, Sampling sampling, List<String> stop, int topLogprobs,
      TokenListener listener) {
    return call(fullPrompt, n, maxTokens, sampling, stop, topLogprobs, listener, false, "bursar.step");
  }

  private List<Generation> call(String fullPrompt, int n, int maxTokens, Sampling sampling, List<String> stop,
      int topLogprobs, TokenListener listener, boolean wholeSamples, String spanName) {
    if ((long) n * maxTokens > remaining) {
      throw new IllegalStateException("internal: call of " + n + "x" + maxTokens + " exceeds remaining " + remaining);
    }
    var req = new GenerationRequest(fullPrompt, n, maxTokens, sampling, stop, topLogprobs, request.metadata());
    TokenListener guarded = (seq, ev) -> {
      if (expired()) {
        exit(ExitReason.Limit.DEADLINE);
        return false;
      }
      return listener.onToken(seq, ev);
    };
    var span = telemetry.child(io.opentelemetry.context.Context.current(), spanName);
    List<Generation> out;
    try {
      out = backend.generate(req, guarded);
    } catch (RuntimeException e) {
      telemetry.failCall(span, e);
      throw e;
    }
    telemetry.endCall(span, n, out);
    if (wholeSamples && verifier != null) out = verified(out);
    for (Generation g : out) {
      // A backend that overran its cap is charged only the cap: the budget is what we promised the caller.
      outputTokens += Math.min(g.outputTokens(), maxTokens);
      remaining -= Math.min(g.outputTokens(), maxTokens);
      inputTokens += g.inputTokens();
      cachedInputTokens += g.cachedInputTokens();
      if (generated != null) {
        String answer = wholeSamples || can(Capability.OWN_ANSWERS) ? answerOf(g).orElse(null) : null;
        generated.add(new RunRecord.Sample(g.text(), answer, g.inputTokens(),
            Math.min(g.outputTokens(), maxTokens), g.finish(), g.meanLogprob(), g.verifierScore()));
      }
    }
    return out;
  }

  /**
   * {@return the generations with the verifier's score of each finished one} Scored at once on virtual threads,
   * each within the request's deadline (the verifier's own client times out too); a failure leaves NaN.
   */
  private List<Generation> verified(List<Generation> gens) {
    List<java.util.concurrent.Future<Double>> scores = new ArrayList<>(gens.size());
    // Not try-with-resources: closing waits for every task, and a late score must not hold the request.
    var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (Generation g : gens) {
        boolean score = g.finish() != FinishReason.CANCELLED && !g.text().isEmpty() && Double.isNaN(g.verifierScore());
        scores.add(score ? pool.submit(() -> verifier.score(request.prompt(), g.text())) : null);
      }
      List<Generation> out = new ArrayList<>(gens.size());
      for (int i = 0; i < gens.size(); i++) {
        var f = scores.get(i);
        out.add(f == null ? gens.get(i) : gens.get(i).withVerifierScore(awaitScore(f)));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private double awaitScore(java.util.concurrent.Future<Double> f) {
    try {
      long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - ticker.read();
      Double v = left == Long.MAX_VALUE ? f.get() : f.get(Math.max(0, left), java.util.concurrent.TimeUnit.NANOSECONDS);
      if (v != null && Double.isFinite(v)) return v;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      f.cancel(true);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
    }
    verifierFailures.increment();
    return Double.NaN;
  }

  /** {@return the answer a generation carries: the backend's own when it gives them (replay), else read from its text} */
  Optional<String> answerOf(Generation g) {
    if (can(Capability.OWN_ANSWERS)) return Optional.ofNullable(g.answer()); // null: the source had none, do not guess
    return answerOf(g.text());
  }

  /** {@return the answer in {@code text}, read in the controller's reasoning format} */
  Optional<String> answerOf(String text) {
    return Answers.read(text, format);
  }

  static @Nullable String voteKey(Optional<String> answer) {
    return Answers.normalize(answer.orElse(null));
  }

  private Spend spend() {
    return new Spend(inputTokens, outputTokens, samples, java.time.Duration.ofNanos(elapsedNanos()), cachedInputTokens);
  }

  Outcome answered(String answer, double confidence, String text) {
    return new Outcome.Answered(answer, confidence, text, plan, spend(), exits);
  }

  Outcome abstained(String reason, @Nullable String bestGuess) {
    return new Outcome.Abstained(reason, bestGuess, plan, spend(), exits);
  }

  Outcome failed(String error, Outcome.Failed.Cause cause, boolean retryable) {
    // A failure after the deadline passed is the deadline's, whatever the backend said.
    if (cause == Outcome.Failed.Cause.BACKEND && exits.contains(ExitReason.Limit.DEADLINE)) cause = Outcome.Failed.Cause.DEADLINE;
    return new Outcome.Failed(error, cause, retryable, plan, spend(), exits);
  }
}
