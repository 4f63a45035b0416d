package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.controller.LinearProbe;
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

/** {@code serve --length-head FILE}: under a binding budget, FAST's thinking is cut when the head says it cannot finish. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class LengthHeadServeTest implements TestPropertyProvider {
  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;

  @Override
  public Map<String, String> getProperties() {
    try {
      Path dir = Files.createTempDirectory("bursar-length-head");
      // Whatever the hidden state, 1,000 thinking tokens to go: no chain fits a small budget.
      new LinearProbe(1, Math.log1p(1_000), new double[] {0}, new double[] {0}, new double[] {1})
          .write(dir.resolve("remaining-length.properties"), "test");
      return Map.of(ScriptedWhiteBox.PROPERTY, "true", "bursar.sidecar.length-head", dir.resolve("remaining-length.properties").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private SidecarClient.Reply fast(String budget) {
    return new SidecarClient(http, json).chat("{\"model\":\"bursar\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 17+25*3?\"}],"
        + "\"bursar\":{\"mode\":\"fast\"" + budget + "}}");
  }

  @Test
  void aSmallBudgetCutsTheThinkingAfterItsFirstStep() {
    var r = fast(",\"budget_tokens\":40");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("choices.0.message.content")).isEqualTo("92");
    assertThat(strings(r.node("bursar.exits"))).containsExactly("length-forced");
    // the first step (21 tokens) and the forced answer
    assertThat(r.number("usage.completion_tokens")).isLessThan(40);
  }

  @Test
  void aRoomyBudgetLeavesTheChainAlone() {
    var r = fast("");
    assertThat(r.text("choices.0.message.content")).isEqualTo("92");
    assertThat(strings(r.node("bursar.exits"))).doesNotContain("length-forced");
  }

  @Test
  void aHeadInFrontOfAnUpstreamIsRefusedWithHowToFixIt() {
    assertThatThrownBy(() -> new SidecarConfig(null, "http://127.0.0.1:8000/v1", "m", null, "chat", "openai", null, 4, 16,
        Duration.ofSeconds(10), 16, 2048, 16384, Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(5), Duration.ofSeconds(120), null, null, null, "/tmp/remaining-length.properties", false))
        .hasMessageContaining("--length-head").hasMessageContaining("without --upstream");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array.values()) out.add(n.getStringValue());
    return out;
  }
}
