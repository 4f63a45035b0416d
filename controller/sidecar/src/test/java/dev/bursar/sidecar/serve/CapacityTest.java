package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Backend;
import dev.bursar.sidecar.serve.SidecarClient.Reply;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@MicronautTest
@Property(name = "bursar.sidecar.max-concurrent", value = "2")
@Property(name = "bursar.sidecar.retry-after", value = "3s")
@Property(name = "bursar.sidecar.max-queue", value = "0")
final class CapacityTest {
  final GatedBackend backend = new GatedBackend();

  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;

  @MockBean(Backend.class)
  Backend backend() {
    return backend;
  }

  @Test
  void complete_allSlotsInFlightAndNoQueue_429WithRetryAfterThenServesAgain() throws Exception {
    var client = new SidecarClient(http, json);
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      var first = CompletableFuture.supplyAsync(() -> client.ask("What is 17+25*3?"), threads);
      var second = CompletableFuture.supplyAsync(() -> client.ask("What is 17+25*3?"), threads);
      // Both requests hold their permit inside the backend now (the wait is a safety net, not a timing).
      assertThat(backend.arrived.tryAcquire(2, 60, TimeUnit.SECONDS)).as("both requests reached the backend").isTrue();

      Reply third = client.ask("What is 17+25*3?");

      assertThat(third.status()).isEqualTo(429);
      assertThat(third.retryAfter()).isEqualTo("3");
      assertThat(third.text("error.type")).isEqualTo("rate_limit_error");
      assertThat(third.text("error.code")).isEqualTo("at_capacity");
      assertThat(third.text("error.message")).contains("2 requests are in flight")
          .contains("bursar.sidecar.max-concurrent");

      // Bad input is still refused with its own message while saturated.
      assertThat(client.ask("What is the capital of France?").status()).isEqualTo(400);

      backend.gate.countDown();
      assertThat(first.get(60, TimeUnit.SECONDS).text("choices.0.message.content")).isEqualTo("92");
      assertThat(second.get(60, TimeUnit.SECONDS).text("choices.0.message.content")).isEqualTo("92");
    }
    // The permits came back.
    assertThat(client.ask("What is 17+25*3?").status()).isEqualTo(200);
  }
}
