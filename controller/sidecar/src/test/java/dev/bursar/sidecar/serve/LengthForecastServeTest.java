package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code serve --policy FILE --length-forecast}: under a binding budget, FAST is cut where the policy's length forecast says it will overrun. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class LengthForecastServeTest implements TestPropertyProvider {
  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    try {
      Path dir = Files.createTempDirectory("bursar-forecast");
      // The test policy forecasts Gamma(2, 30) lengths: mean 60 tokens for every query.
      PolicyFileServeTest.policy().write(dir.resolve("policy.json"));
      return Map.of(ScriptedWhiteBox.PROPERTY, "true", "bursar.sidecar.policy", dir.resolve("policy.json").toString(),
          "bursar.sidecar.length-forecast", "true");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aChainForecastToOverrunASmallBudgetIsCutAtItsFirstStep() {
    var r = new SidecarClient(http, json).chat("{\"model\":\"bursar\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 17+25*3?\"}],"
        + "\"bursar\":{\"budget_tokens\":40}}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("choices.0.message.content")).isEqualTo("92");
    // after 21 tokens, P(a Gamma(2, 30) length passes 40 | it passed 21) = 0.73: cut there
    assertThat(strings(r.node("bursar.exits"))).containsExactly("length-forced");
  }

  @Test
  void aForecastWithoutAPolicyIsRefusedWithHowToFixIt() {
    assertThatThrownBy(() -> new SidecarConfig(null, null, null, null, "chat", "openai", null, 4, 16, Duration.ofSeconds(10), 16, 2048,
        16384, Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5),
        Duration.ofSeconds(120), null, null, null, null, true))
        .hasMessageContaining("--length-forecast").hasMessageContaining("--policy");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array.values()) out.add(n.getStringValue());
    return out;
  }
}
