package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.MissingNode;
import dev.bursar.controller.Backend;
import dev.bursar.controller.ComputeController;
import dev.bursar.estimators.FittedEstimator;
import dev.bursar.estimators.LinearModel;
import dev.bursar.estimators.QueryText;
import dev.bursar.estimators.StopModel;
import dev.bursar.estimators.TreeEnsemble;
import dev.bursar.policies.PolicyFile;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code serve --policy FILE}: the fitted estimator and policy decide every request; a bad file stops the start. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class PolicyFileServeTest implements TestPropertyProvider {
  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;
  @Inject ComputeController controller;

  @io.micronaut.test.annotation.MockBean(Backend.class)
  Backend backend() {
    return ScriptedModel.backend();
  }

  /** A small fitted policy: more samples look worth it until two agree; confidence 0.9. */
  static PolicyFile policy() {
    int p = QueryText.STATS + 4;
    var estimator = new FittedEstimator(4, new LinearModel(new double[p], 1), new LinearModel(new double[p], Math.log(60)), 2);
    int top = dev.bursar.estimators.VoteState.NAMES.indexOf("top");
    var gain = new TreeEnsemble(0, List.of(new TreeEnsemble.Tree(new int[] {top, -1, -1}, new double[] {1.5, 0, 0},
        new int[] {1, 0, 0}, new int[] {2, 0, 0}, new double[] {0, 0.5, 0})));
    return new PolicyFile(PolicyFile.COMPUTE_OPTIMAL, estimator, new StopModel(gain, new TreeEnsemble(0.9, List.of())), 1e-4, 0,
        8, 2, 160, false, 0.4, null, MissingNode.getInstance(), MissingNode.getInstance());
  }

  Path file;
  @Inject PolicyHolder holder;

  @Override
  public Map<String, String> getProperties() {
    try {
      file = Files.createTempDirectory("bursar-policy").resolve("policy.json");
      policy().write(file);
      return Map.of("bursar.sidecar.policy", file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theFittedPolicyDecidesAndItsConfidenceIsReported() {
    assertThat(controller.policy().description()).startsWith("ComputeOptimal{");
    var r = new SidecarClient(http, json).ask("What is 17+25*3?");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("choices.0.message.content")).isEqualTo("92");
    assertThat(r.text("bursar.plan")).startsWith("SELF_CONSISTENCY(8, bursar");
    assertThat(r.number("bursar.samples")).isEqualTo(2); // two agreeing samples: nothing left to gain
    assertThat(r.node("bursar.confidence").getDoubleValue()).isEqualTo(0.9);
  }

  @Test
  void aBadPolicyFileIsRefusedAtStartWithWhatIsWrong() throws IOException {
    Path bad = Files.createTempFile("bursar-policy", ".json");
    Files.writeString(bad, policy().toJson().replace("\"schemaVersion\" : 2", "\"schemaVersion\" : 7"));
    var config = new SidecarConfig(null, null, null, null, "chat", "openai", null, 4, 16, Duration.ofSeconds(10), 16, 2048,
        16384, Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5),
        Duration.ofSeconds(120), null, bad.toString(), null, null, false);
    assertThatThrownBy(() -> new PolicyHolder(config, io.opentelemetry.api.OpenTelemetry.noop()))
        .isInstanceOf(PolicyFile.InvalidPolicyFileException.class)
        .hasMessageContaining(bad.toString()).hasMessageContaining("schemaVersion 7 is not supported");
  }

  /** A changed valid file is swapped in without a restart; a changed invalid one is rejected and the old one stays. */
  @Test
  void theWatchedFileIsReloadedWhenValidAndRejectedWhenNot() throws Exception {
    var client = new SidecarClient(http, json);
    String before = controller.policy().description();
    var threshold = new PolicyFile(PolicyFile.THRESHOLD, policy().estimator(), null, 0, 0.5, 4, 2, 160, false,
        MissingNode.getInstance(), MissingNode.getInstance());
    threshold.write(file);
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    holder.check();
    assertThat(controller.policy().description()).startsWith("Threshold{").isNotEqualTo(before);
    // P(right) = sigmoid(1) = 0.73 >= 0.5: the new policy answers with FAST.
    assertThat(client.ask("What is 17+25*3?").text("bursar.mode")).isEqualTo("FAST");

    Files.writeString(file, "{\"schemaVersion\": 1, \"policy\": {\"kind\": \"compute-optimal\"}}");
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 10_000));
    holder.check();
    assertThat(controller.policy().description()).startsWith("Threshold{"); // the bad file did not replace the good one
    assertThat(client.ask("What is 17+25*3?").status()).isEqualTo(200);
    policy().write(file); // leave the original for the other tests
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 15_000));
    holder.check();
    assertThat(controller.policy().description()).isEqualTo(before);
  }

  @Test
  void decideReturnsThePlanAndTheEstimateWithoutGenerating() throws Exception {
    var blocking = http.toBlocking();
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"What is 17+25*3?\"}],\"bursar\":{\"max_samples\":4}}";
    var reply = blocking.exchange(io.micronaut.http.HttpRequest.POST("/v1/bursar/decide", body)
        .contentType(io.micronaut.http.MediaType.APPLICATION_JSON_TYPE), String.class);
    var node = json.readValue(reply.body(), io.micronaut.json.tree.JsonNode.class);
    assertThat(node.get("mode").getStringValue()).isEqualTo("SELF_CONSISTENCY");
    assertThat(node.get("max_samples").getIntValue()).isEqualTo(4);
    assertThat(node.get("max_tokens_per_sample").getIntValue()).isEqualTo(160);
    assertThat(node.get("temperature").getDoubleValue()).isEqualTo(0.4); // the file's fitted temperature
    String named = body.replace("\"bursar\"", "\"temperature\":1.0,\"bursar\"");
    var namedReply = blocking.exchange(io.micronaut.http.HttpRequest.POST("/v1/bursar/decide", named)
        .contentType(io.micronaut.http.MediaType.APPLICATION_JSON_TYPE), String.class);
    assertThat(json.readValue(namedReply.body(), io.micronaut.json.tree.JsonNode.class).get("temperature").getDoubleValue())
        .isEqualTo(1.0); // a client that names one keeps it
    assertThat(node.get("budget_tokens").getLongValue()).isEqualTo(2048);
    var estimate = node.get("estimate");
    assertThat(estimate.get("p_correct").getDoubleValue()).isCloseTo(1 / (1 + Math.exp(-1)), org.assertj.core.api.Assertions.within(1e-9));
    assertThat(estimate.get("expected_output_tokens").getDoubleValue()).isCloseTo(60, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(estimate.get("source").getStringValue()).isEqualTo("fitted{query-text}");

    var bad = org.assertj.core.api.Assertions.catchThrowableOfType(io.micronaut.http.client.exceptions.HttpClientResponseException.class,
        () -> blocking.exchange(io.micronaut.http.HttpRequest.POST("/v1/bursar/decide", "{\"messages\": 3}")
            .contentType(io.micronaut.http.MediaType.APPLICATION_JSON_TYPE), String.class));
    assertThat(bad.getStatus().getCode()).isEqualTo(400);
    assertThat(bad.getResponse().getBody(String.class).orElse("")).contains("give \\\"messages\\\" with a user message");
  }
}
