package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bursar.controller.LinearProbe;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code serve --policy FILE --prefill-probe FILE}: P(right) comes from the local model's prefill. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class PrefillProbeServeTest implements TestPropertyProvider {
  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    try {
      Path dir = Files.createTempDirectory("bursar-probe");
      PolicyFileServeTest.policy().write(dir.resolve("policy.json"));
      // The fake model's one-wide hidden state is 1 for text without an 'x': P = sigmoid(4 - 2).
      new LinearProbe(1, -2, new double[] {4}, new double[] {0}, new double[] {1}).write(dir.resolve("probe.properties"), "test");
      return Map.of(ScriptedWhiteBox.PROPERTY, "true", "bursar.sidecar.policy", dir.resolve("policy.json").toString(),
          "bursar.sidecar.prefill-probe", dir.resolve("probe.properties").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theEstimateReadsTheProbe() throws Exception {
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"What is 17+25*3?\"}]}";
    var reply = http.toBlocking().exchange(HttpRequest.POST("/v1/bursar/decide", body).contentType(MediaType.APPLICATION_JSON_TYPE), String.class);
    var estimate = json.readValue(reply.body(), io.micronaut.json.tree.JsonNode.class).get("estimate");
    assertThat(estimate.get("source").getStringValue()).isEqualTo("fitted{query-text}+prefill-probe(layer 1)");
    assertThat(estimate.get("p_correct").getDoubleValue()).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-9));
    // The policy's length estimate stays.
    assertThat(estimate.get("expected_output_tokens").getDoubleValue()).isCloseTo(60, within(1e-6));
  }

  @Test
  void aProbeWithoutAPolicyIsRefusedWithHowToFixIt() {
    assertThatThrownBy(() -> new SidecarConfig(null, null, null, null, "chat", "openai", null, 4, 16, Duration.ofSeconds(10), 16, 2048,
        16384, Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5),
        Duration.ofSeconds(120), null, null, "/tmp/probe.properties", null, false))
        .hasMessageContaining("--prefill-probe").hasMessageContaining("--policy");
  }
}
