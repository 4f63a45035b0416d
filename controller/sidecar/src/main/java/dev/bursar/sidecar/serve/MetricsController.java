package dev.bursar.sidecar.serve;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** {@code GET /metrics}: the sidecar's metrics in the Prometheus text format, for a scrape. */
@Controller
final class MetricsController {
  private final PrometheusMetricReader reader;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  MetricsController(PrometheusMetricReader reader) {
    this.reader = reader;
  }

  @Get(uri = "/metrics", produces = PrometheusTextFormatWriter.CONTENT_TYPE)
  HttpResponse<byte[]> scrape() {
    var out = new ByteArrayOutputStream();
    try {
      writer.write(out, reader.collect());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HttpResponse.ok(out.toByteArray()).contentType(PrometheusTextFormatWriter.CONTENT_TYPE);
  }
}
