package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.bursar.controller.Backend;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sidecar's real SDK, configured the standard way ({@code otel.*} properties), exports its
 * spans over OTLP/HTTP to a receiver on loopback, which decodes the protobuf payload.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class OtlpExportTest implements TestPropertyProvider {
  private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  private HttpServer receiver;

  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;
  @Inject OpenTelemetrySdk sdk;

  @MockBean(Backend.class)
  Backend backend() {
    return ScriptedModel.backend();
  }

  @Override
  public Map<String, String> getProperties() {
    try {
      receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    receiver.createContext("/v1/traces", ex -> {
      bodies.add(ex.getRequestBody().readAllBytes());
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    receiver.start();
    return Map.of(
        "otel.traces.exporter", "otlp",
        "otel.exporter.otlp.protocol", "http/protobuf",
        "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + receiver.getAddress().getPort(),
        "otel.bsp.schedule.delay", "50");
  }

  @AfterAll
  void stop() {
    receiver.stop(0);
  }

  @Test
  void spansReachAnOtlpReceiverAsProtobuf() {
    var r = new SidecarClient(http, json).ask("What is 17+25*3?");
    assertThat(r.status()).isEqualTo(200);
    sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
    assertThat(bodies).isNotEmpty();
    List<String> names = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (byte[] body : bodies) {
      for (byte[] resourceSpans : Protobuf.fields(body, 1)) {
        for (byte[] scopeSpans : Protobuf.fields(resourceSpans, 2)) {
          for (byte[] span : Protobuf.fields(scopeSpans, 2)) {
            names.add(Protobuf.string(span, 5));
            for (byte[] kv : Protobuf.fields(span, 9)) keys.add(Protobuf.string(kv, 1));
          }
        }
      }
    }
    assertThat(names).contains("bursar.request", "bursar.decide", "bursar.sample", "bursar.vote");
    assertThat(keys).contains("gen_ai.operation.name", "gen_ai.usage.output_tokens", "bursar.mode", "bursar.exit.reason");
  }
}
