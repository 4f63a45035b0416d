package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Backend;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A request whose client disconnects stops generating and frees its slot at once, not at its deadline. */
@MicronautTest
@Property(name = "bursar.sidecar.deadline", value = "60s")
@Property(name = "bursar.sidecar.max-budget-tokens", value = "1000000")
final class ClientGoneTest {
  final EndlessBackend backend = new EndlessBackend();

  @Inject EmbeddedServer server;
  @Inject Admission admission;

  @MockBean(Backend.class)
  Backend backend() {
    return backend;
  }

  @Test
  void clientDisconnects_runStopsAndSlotIsFreed() throws Exception {
    String body = "{\"prompt\":\"Q:1\\n\",\"max_tokens\":100000,\"bursar\":{\"mode\":\"self_consistency\",\"budget_tokens\":900000}}";
    try (Socket s = new Socket("127.0.0.1", server.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
          + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(backend.started.tryAcquire(30, TimeUnit.SECONDS)).as("the request reached the model").isTrue();
      assertThat(admission.inFlight()).isEqualTo(1);
    } // the client hangs up

    for (int i = 0; i < 500 && admission.inFlight() > 0; i++) Thread.sleep(10);
    assertThat(admission.inFlight()).as("slots held after the client left").isZero();
    long after = backend.tokens.get();
    Thread.sleep(100);
    assertThat(backend.tokens.get()).as("tokens generated after the client left and the run stopped").isEqualTo(after);
  }
}
