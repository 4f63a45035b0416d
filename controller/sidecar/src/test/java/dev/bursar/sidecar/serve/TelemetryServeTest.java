package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Backend;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spans and metrics of requests through the sidecar, in memory and scraped by Prometheus. */
@MicronautTest
final class TelemetryServeTest {
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;

  @MockBean(Backend.class)
  Backend backend() {
    return ScriptedModel.backend();
  }

  /** The sidecar's SDK, with an in-memory span exporter beside its Prometheus reader. */
  @MockBean(io.opentelemetry.api.OpenTelemetry.class)
  io.opentelemetry.api.OpenTelemetry sdk(io.opentelemetry.exporter.prometheus.PrometheusMetricReader prometheus) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
            .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(SPANS)).build())
        .setMeterProvider(io.opentelemetry.sdk.metrics.SdkMeterProvider.builder().registerMetricReader(prometheus).build())
        .build();
  }

  @Test
  void aChatCompletionLeavesGenAiSpansAndPrometheusMetrics() {
    SPANS.reset();
    var r = new SidecarClient(http, json).ask("What is 17+25*3?");
    assertThat(r.status()).isEqualTo(200);
    List<SpanData> spans = SPANS.getFinishedSpanItems();
    SpanData request = spans.stream().filter(s -> s.getName().equals("bursar.request")).findFirst().orElseThrow();
    assertThat(spans).extracting(SpanData::getName).contains("bursar.decide", "bursar.sample", "bursar.vote"); // no estimator: no estimate span
    assertThat(request.getAttributes().asMap().keySet()).extracting(k -> k.getKey())
        .contains("gen_ai.operation.name", "gen_ai.request.model", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
            "bursar.mode", "bursar.samples", "bursar.exit.reason", "bursar.tokens.saved")
        .doesNotContain("bursar.prompt", "bursar.answer");

    String scrape = http.toBlocking().retrieve(HttpRequest.GET("/metrics"));
    assertThat(scrape).contains("gen_ai_client_token_usage", "gen_ai_token_type=\"output\"", "gen_ai_client_operation_duration",
        "bursar_decisions", "bursar_mode=\"SELF_CONSISTENCY\"", "bursar_exits", "bursar_tokens_saved");
  }
}
