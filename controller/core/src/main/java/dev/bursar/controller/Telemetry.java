package dev.bursar.controller;

import dev.bursar.controller.telemetry.BursarAttributes;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The controller's spans and metrics, in the OpenTelemetry GenAI conventions plus bursar's own: a
 * {@code bursar.request} span per request with children for the estimate, the decision, every
 * backend call (samples, steps, probes, forced answers) and the vote; token usage and duration
 * histograms, and counters of decisions by mode, exits by reason, cost and tokens saved against a
 * baseline plan. Every method swallows its own failures: telemetry never fails a request.
 */
final class Telemetry {

  /**
   * @param prices the price table behind {@code bursar.cost}
   * @param baselineSamples the baseline plan's samples per request, for {@code bursar.tokens.saved}
   *     (its cost estimated as that many samples of this request's mean length); 0: not reported
   * @param costAttributes whether to add the proposed {@code gen_ai.usage.cost.*} attributes
   * @param captureText whether prompts and answers may go on spans (off by default)
   * @param provider {@code gen_ai.provider.name}
   */
  record Options(Prices prices, int baselineSamples, boolean costAttributes, boolean captureText, String provider) {
    static final Options DEFAULT = new Options(Prices.NONE, 0, false, false, "bursar");

    Options {
      Objects.requireNonNull(prices, "prices");
      Objects.requireNonNull(provider, "provider");
      if (baselineSamples < 0) throw new IllegalArgumentException("baselineSamples must be >= 0, was " + baselineSamples);
    }
  }

  private final Tracer tracer;
  private final Options options;
  private final LongHistogram tokenUsage;
  private final DoubleHistogram duration;
  private final LongCounter decisions;
  private final LongCounter exits;
  private final DoubleCounter cost;
  private final LongCounter saved;

  Telemetry(OpenTelemetry otel, Options options) {
    this.tracer = otel.getTracer("dev.bursar.controller");
    this.options = options;
    Meter meter = otel.getMeter("dev.bursar.controller");
    tokenUsage = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
        .setDescription("Input and output tokens per request (gen_ai.token.type)").build();
    duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
        .setDescription("Duration of a request, decision and generation").build();
    decisions = meter.counterBuilder("bursar.decisions").setDescription("Requests by the mode the policy chose").build();
    exits = meter.counterBuilder("bursar.exits").setDescription("Exits that ended a request, by reason").build();
    cost = meter.counterBuilder("bursar.cost").ofDoubles().setDescription("Estimated cost from the price table").build();
    saved = meter.counterBuilder("bursar.tokens.saved").setUnit("{token}")
        .setDescription("Output tokens saved against the baseline plan").build();
  }

  Span startRequest(Request request, String model) {
    try {
      var b = tracer.spanBuilder("bursar.request").setSpanKind(SpanKind.CLIENT)
          .setAttribute(BursarAttributes.GEN_AI_OPERATION_NAME, "chat")
          .setAttribute(BursarAttributes.GEN_AI_PROVIDER_NAME, options.provider())
          .setAttribute(BursarAttributes.GEN_AI_REQUEST_MODEL, model);
      if (options.captureText()) b.setAttribute(BursarAttributes.PROMPT, request.prompt());
      return b.startSpan();
    } catch (RuntimeException e) {
      return Span.getInvalid();
    }
  }

  /** Runs {@code body} in a child span of {@code parent} (possibly on another thread). */
  <T> T inChild(Context parent, String name, Supplier<T> body) {
    Span span = child(parent, name);
    try (var scope = span.makeCurrent()) {
      return body.get();
    } catch (RuntimeException e) {
      safely(() -> span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage())));
      throw e;
    } finally {
      safely(span::end);
    }
  }

  Span child(Context parent, String name) {
    try {
      return tracer.spanBuilder(name).setParent(parent).startSpan();
    } catch (RuntimeException e) {
      return Span.getInvalid();
    }
  }

  /** Ends a backend call's span with what it produced. */
  void endCall(Span span, int n, List<Generation> out) {
    safely(() -> {
      long in = 0, tokens = 0, cached = 0;
      for (Generation g : out) {
        in += g.inputTokens();
        tokens += g.outputTokens();
        cached += g.cachedInputTokens();
      }
      span.setAttribute(BursarAttributes.GEN_AI_REQUEST_CHOICE_COUNT, (long) n)
          .setAttribute(BursarAttributes.GEN_AI_USAGE_INPUT_TOKENS, in)
          .setAttribute(BursarAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, cached)
          .setAttribute(BursarAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, tokens);
      span.end();
    });
  }

  void endVote(Span span, int votes, boolean decided) {
    safely(() -> {
      span.setAttribute(BursarAttributes.VOTES, (long) votes);
      if (!decided) span.setStatus(StatusCode.ERROR, "no sample produced an answer");
      span.end();
    });
  }

  void failCall(Span span, RuntimeException e) {
    safely(() -> {
      span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
      span.end();
    });
  }

  /** Ends the request span and records the request's metrics. */
  void endRequest(Span span, String model, Plan plan, Estimate estimate, boolean fallback, Outcome out, long elapsedNanos) {
    safely(() -> {
      Spend spend = out.spend();
      double price = options.prices().cost(model, spend.inputTokens(), spend.outputTokens());
      long baselineSaved = options.baselineSamples() == 0 || spend.samples() == 0 ? 0
          : Math.round((double) spend.outputTokens() / spend.samples() * options.baselineSamples()) - spend.outputTokens();
      String exitReasons = String.join(",", out.exitLabels());
      span.setAttribute(BursarAttributes.GEN_AI_RESPONSE_MODEL, model)
          .setAttribute(BursarAttributes.GEN_AI_REQUEST_CHOICE_COUNT, (long) choices(plan))
          .setAttribute(BursarAttributes.GEN_AI_USAGE_INPUT_TOKENS, spend.inputTokens())
          .setAttribute(BursarAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, spend.cachedInputTokens())
          .setAttribute(BursarAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, spend.outputTokens())
          // Every output token of a sample that was not returned is reasoning spent to choose the answer.
          .setAttribute(BursarAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, spend.outputTokens())
          .setAttribute(BursarAttributes.MODE, plan.mode().name())
          .setAttribute(BursarAttributes.DECISION, plan.describe())
          .setAttribute(BursarAttributes.ESTIMATE, estimate.describe())
          .setAttribute(BursarAttributes.FALLBACK, fallback)
          .setAttribute(BursarAttributes.SAMPLES, (long) spend.samples())
          .setAttribute(BursarAttributes.EXIT_REASON, exitReasons)
          .setAttribute(BursarAttributes.COST, price);
      if (options.baselineSamples() > 0) span.setAttribute(BursarAttributes.TOKENS_SAVED, baselineSaved);
      if (options.costAttributes() && options.prices().isPriced()) {
        span.setAttribute(BursarAttributes.GEN_AI_USAGE_COST_AMOUNT, price)
            .setAttribute(BursarAttributes.GEN_AI_USAGE_COST_CURRENCY, options.prices().currency())
            .setAttribute(BursarAttributes.GEN_AI_USAGE_COST_SOURCE, "bursar.prices");
      }
      switch (out) {
        case Outcome.Answered a -> {
          span.setAttribute(BursarAttributes.OUTCOME, "answered");
          if (!Double.isNaN(a.confidence())) span.setAttribute(BursarAttributes.CONFIDENCE, a.confidence());
          if (options.captureText()) span.setAttribute(BursarAttributes.ANSWER, a.answer());
        }
        case Outcome.Abstained a -> span.setAttribute(BursarAttributes.OUTCOME, "abstained");
        case Outcome.Failed f -> span.setAttribute(BursarAttributes.OUTCOME, "failed").setStatus(StatusCode.ERROR, f.error());
      }
      span.end();
      var common = Attributes.of(BursarAttributes.GEN_AI_OPERATION_NAME, "chat", BursarAttributes.GEN_AI_PROVIDER_NAME,
          options.provider(), BursarAttributes.GEN_AI_REQUEST_MODEL, model);
      tokenUsage.record(spend.inputTokens(), common.toBuilder().put(BursarAttributes.GEN_AI_TOKEN_TYPE, "input").build());
      tokenUsage.record(spend.outputTokens(), common.toBuilder().put(BursarAttributes.GEN_AI_TOKEN_TYPE, "output").build());
      duration.record(elapsedNanos / 1e9, common);
      decisions.add(1, Attributes.of(BursarAttributes.MODE, plan.mode().name()));
      for (String e : out.exitLabels()) exits.add(1, Attributes.of(BursarAttributes.EXIT_REASON, e));
      if (price > 0) cost.add(price, Attributes.of(BursarAttributes.GEN_AI_REQUEST_MODEL, model));
      if (baselineSaved > 0) saved.add(baselineSaved, Attributes.of(BursarAttributes.MODE, plan.mode().name()));
    });
  }

  private static int choices(Plan plan) {
    return switch (plan.mode()) {
      case Mode.Fast f -> 1;
      case Mode.SelfConsistency sc -> sc.maxSamples();
      case Mode.DeepSearch ds -> ds.beamWidth();
    };
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException ignored) {
      // Telemetry must never fail a request.
    }
  }
}
