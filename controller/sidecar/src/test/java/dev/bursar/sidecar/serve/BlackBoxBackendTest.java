package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Backend;
import dev.bursar.controller.Capability;
import dev.bursar.controller.FakeBackend;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** A backend without step-wise generation or hidden states: what the sidecar does with modes it cannot feed. */
@MicronautTest
final class BlackBoxBackendTest {
  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;

  @MockBean(Backend.class)
  Backend backend() {
    return new FakeBackend((prompt, draw) -> ScriptedModel.continuation(prompt), EnumSet.of(Capability.LOGPROBS));
  }

  private SidecarClient.Reply ask(String mode) {
    return new SidecarClient(http, json).chat("{\"model\":\"bursar\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"What is 17+25*3?\"}],\"bursar\":{\"mode\":\"" + mode + "\"}}");
  }

  @Test
  void complete_deepSearchOnABlackBox_400SaysWhatTheBackendLacks() {
    SidecarClient.Reply r = ask("deep_search");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text("error.code")).isEqualTo("unsupported_mode");
    assertThat(r.text("error.param")).isEqualTo("bursar.mode");
    assertThat(r.text("error.message")).contains("STEPS").contains("fake").contains("Use another mode or leave it out");
  }

  @Test
  void complete_fastOnABlackBox_runsWithoutTheProbeExit() {
    SidecarClient.Reply r = ask("fast");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("choices.0.message.content")).isEqualTo("92");
    assertThat(r.text("bursar.plan")).startsWith("FAST(192").contains("BudgetForcing").doesNotContain("ProbeConvergence");
  }
}
