package dev.bursar.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.telemetry.BursarAttributes;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spans and metrics a request leaves, read back from in-memory exporters. */
final class TelemetryTest {
  static final String CHAIN = "<think>25*3=75;17+75\n75+17=92\n</think>A:92\n";

  @Test
  void aRequestLeavesARequestSpanWithChildrenAndGenAiMetrics() {
    var spans = InMemorySpanExporter.create();
    var metrics = InMemoryMetricReader.create();
    var otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build();
    var controller = ComputeController.builder().backend(FakeBackend.of((p, i) -> CHAIN))
        .plan(Plan.selfConsistency(new Mode.SelfConsistency(4, 2, StoppingRules.never(), null, false), 100))
        .budget(Budget.ofTokens(10_000)).openTelemetry(otel)
        .estimator((r, f) -> new Estimate(0.8, 2, 30, "test"))
        .prices(new Prices(Map.of(), new Prices.Price(1.0, 2.0), "USD")).baselineSamples(8).costAttributes(true)
        .build();
    var a = (Outcome.Answered) controller.run(Request.of("Q:17+25*3\n"));

    List<SpanData> finished = spans.getFinishedSpanItems();
    SpanData request = finished.stream().filter(s -> s.getName().equals("bursar.request")).findFirst().orElseThrow();
    assertThat(finished).extracting(SpanData::getName)
        .containsExactlyInAnyOrder("bursar.estimate", "bursar.decide", "bursar.sample", "bursar.sample", "bursar.vote", "bursar.request");
    assertThat(finished).filteredOn(s -> s != request)
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(request.getSpanId()));
    var attrs = request.getAttributes();
    assertThat(attrs.get(BursarAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("chat");
    assertThat(attrs.get(BursarAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("bursar");
    assertThat(attrs.get(BursarAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo(attrs.get(BursarAttributes.GEN_AI_RESPONSE_MODEL));
    assertThat(attrs.get(BursarAttributes.GEN_AI_REQUEST_CHOICE_COUNT)).isEqualTo(4L);
    assertThat(attrs.get(BursarAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(a.spend().outputTokens());
    assertThat(attrs.get(BursarAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(a.spend().inputTokens());
    assertThat(attrs.get(BursarAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(a.spend().cachedInputTokens());
    assertThat(attrs.get(BursarAttributes.MODE)).isEqualTo("SELF_CONSISTENCY");
    assertThat(attrs.get(BursarAttributes.SAMPLES)).isEqualTo(4L);
    assertThat(attrs.get(BursarAttributes.EXIT_REASON)).isEqualTo("max-samples");
    double cost = a.spend().inputTokens() / 1e6 + 2.0 * a.spend().outputTokens() / 1e6;
    assertThat(attrs.get(BursarAttributes.COST)).isEqualTo(cost);
    assertThat(attrs.get(BursarAttributes.GEN_AI_USAGE_COST_AMOUNT)).isEqualTo(cost);
    assertThat(attrs.get(BursarAttributes.GEN_AI_USAGE_COST_CURRENCY)).isEqualTo("USD");
    assertThat(attrs.get(BursarAttributes.TOKENS_SAVED)).isEqualTo(a.spend().outputTokens()); // 8 samples' worth against 4 drawn
    // No text unless the operator turns it on.
    assertThat(attrs.get(BursarAttributes.PROMPT)).isNull();
    assertThat(attrs.get(BursarAttributes.ANSWER)).isNull();

    var data = metrics.collectAllMetrics();
    MetricData usage = data.stream().filter(m -> m.getName().equals("gen_ai.client.token.usage")).findFirst().orElseThrow();
    assertThat(usage.getHistogramData().getPoints()).extracting(p -> p.getAttributes().get(BursarAttributes.GEN_AI_TOKEN_TYPE))
        .containsExactlyInAnyOrder("input", "output");
    assertThat(data).extracting(MetricData::getName).contains("gen_ai.client.operation.duration", "bursar.decisions", "bursar.exits",
        "bursar.cost", "bursar.tokens.saved");
    MetricData decisions = data.stream().filter(m -> m.getName().equals("bursar.decisions")).findFirst().orElseThrow();
    assertThat(decisions.getLongSumData().getPoints()).singleElement()
        .satisfies(p -> assertThat(p.getAttributes().get(BursarAttributes.MODE)).isEqualTo("SELF_CONSISTENCY"))
        .satisfies(p -> assertThat(p.getValue()).isEqualTo(1));
  }

  @Test
  void textGoesOnSpansOnlyWhenTurnedOn() {
    var spans = InMemorySpanExporter.create();
    var otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    ComputeController.builder().backend(FakeBackend.of((p, i) -> CHAIN)).plan(Plan.fast(100)).openTelemetry(otel).captureText(true)
        .build().run(Request.of("Q:17+25*3\n"));
    var request = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("bursar.request")).findFirst().orElseThrow();
    assertThat(request.getAttributes().get(BursarAttributes.PROMPT)).isEqualTo("Q:17+25*3\n");
    assertThat(request.getAttributes().get(BursarAttributes.ANSWER)).isEqualTo("92");
  }

  @Test
  void aTracerThatThrowsNeverFailsTheRequest() {
    Tracer broken = name -> {
      throw new IllegalStateException("exporter down");
    };
    var otel = new OpenTelemetry() {
      @Override
      public TracerProvider getTracerProvider() {
        return new TracerProvider() {
          @Override public Tracer get(String scope) { return broken; }
          @Override public Tracer get(String scope, String version) { return broken; }
        };
      }

      @Override
      public ContextPropagators getPropagators() {
        return ContextPropagators.noop();
      }
    };
    var out = ComputeController.builder().backend(FakeBackend.of((p, i) -> CHAIN)).plan(Plan.fast(100)).openTelemetry(otel).build()
        .run(Request.of("Q:17+25*3\n"));
    assertThat(out).isInstanceOf(Outcome.Answered.class);
    assertThat(((Outcome.Answered) out).answer()).isEqualTo("92");
  }
}
