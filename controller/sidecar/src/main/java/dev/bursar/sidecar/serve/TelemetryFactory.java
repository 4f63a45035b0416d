package dev.bursar.sidecar.serve;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * The OpenTelemetry SDK, configured the standard way from {@code OTEL_*} environment variables,
 * {@code otel.*} system properties and {@code otel.*} in {@code application.yml} (OTLP over HTTP/protobuf or gRPC: {@code OTEL_TRACES_EXPORTER=otlp},
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_PROTOCOL}); every exporter is off
 * until one is named, so a sidecar without a collector logs no export errors. The metrics are also
 * read by the Prometheus endpoint ({@code GET /metrics}), whatever the exporters.
 */
@Factory
final class TelemetryFactory {

  @Singleton
  PrometheusMetricReader prometheusReader() {
    return new PrometheusMetricReader(false, null);
  }

  @Singleton
  @Bean(preDestroy = "close")
  OpenTelemetrySdk openTelemetrySdk(PrometheusMetricReader prometheus, Environment env) {
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> Map.of(
            "otel.service.name", "bursar",
            "otel.traces.exporter", "none",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none"))
        // otel.* in application.yml (or -D / env through Micronaut) too; OTEL_* variables still win.
        .addPropertiesSupplier(() -> otelProperties(env))
        .addMeterProviderCustomizer((meters, config) -> meters.registerMetricReader(prometheus))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
  }

  private static Map<String, String> otelProperties(Environment env) {
    Map<String, String> out = new java.util.HashMap<>();
    env.getProperties("otel", io.micronaut.core.naming.conventions.StringConvention.RAW)
        .forEach((k, v) -> out.put("otel." + k, String.valueOf(v)));
    return out;
  }

  @Singleton
  OpenTelemetry openTelemetry(OpenTelemetrySdk sdk) {
    return sdk;
  }
}
