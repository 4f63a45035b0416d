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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@MicronautTest
@Property(name = "bursar.sidecar.deadline", value = "200ms")
final class DeadlineTest {
  final GatedBackend backend = new GatedBackend();

  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;

  @MockBean(Backend.class)
  Backend backend() {
    return backend;
  }

  @AfterEach
  void openGate() {
    backend.gate.countDown();
  }

  @Test
  void complete_backendNeverReturns_504InsteadOfHanging() {
    Reply r = new SidecarClient(http, json).ask("What is 17+25*3?");

    assertThat(r.status()).isEqualTo(504);
    assertThat(r.text("error.type")).isEqualTo("timeout_error");
    assertThat(r.text("error.code")).isEqualTo("deadline_exceeded");
    assertThat(r.text("error.message")).startsWith("the request ran past its deadline of 200 ms")
        .contains("bursar.sidecar.deadline");
  }
}
