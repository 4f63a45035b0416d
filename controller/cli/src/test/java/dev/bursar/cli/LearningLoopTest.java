package dev.bursar.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.bursar.backends.djl.EmbeddedModel;
import dev.bursar.controller.ComputeController;
import dev.bursar.estimators.FittedEstimator;
import dev.bursar.estimators.LinearModel;
import dev.bursar.estimators.QueryText;
import dev.bursar.policies.PolicyFile;
import dev.bursar.tuner.TuneCommand;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The learning loop end to end on the embedded model: serve with a trace log and a policy file,
 * answer requests, send feedback with the right answers, tune on the trace log, drop the new policy
 * file in place, and watch the sidecar reload it and decide as it says.
 */
final class LearningLoopTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void serveFeedbackTuneReloadAndTheDecisionsChange() throws Exception {
    assumeThat(EmbeddedModel.available()).as("the embedded model's weights are not in this build").isTrue();
    Path log = dir.resolve("logs/day.jsonl");
    Path policy = dir.resolve("policy.json");
    // Start with a policy that never trusts one sample: Adaptive-Consistency over up to 8 for every query.
    int p = QueryText.STATS + 4;
    var start = new FittedEstimator(4, new LinearModel(new double[p], 0), new LinearModel(new double[p], Math.log(40)), 2);
    new PolicyFile(PolicyFile.THRESHOLD, start, null, 0, 1.0, 8, 4, 160, false, MissingNode.getInstance(), MissingNode.getInstance()).write(policy);
    Map<String, Object> props = Map.of("micronaut.server.port", -1, "micronaut.server.host", "127.0.0.1",
        "bursar.sidecar.trace-log", log.toString(), "bursar.sidecar.policy", policy.toString());
    try (var ctx = ApplicationContext.builder().properties(props).deduceEnvironment(false).start()) {
      var server = ctx.getBean(EmbeddedServer.class).start();
      var http = HttpClient.newHttpClient();
      URI base = server.getURI();
      var controller = ctx.getBean(ComputeController.class);
      assertThat(controller.policy().description()).startsWith("Threshold{");

      var rnd = new Random(3);
      List<Integer> samplesBefore = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        int a = 2 + rnd.nextInt(30), b = 2 + rnd.nextInt(9);
        JsonNode r = post(http, base.resolve("/v1/chat/completions"), "{\"model\":\"bursar\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"What is " + a + "+" + b + "?\"}],\"seed\":" + i + "}");
        samplesBefore.add(r.path("bursar").path("samples").asInt());
        JsonNode ok = post(http, base.resolve("/v1/bursar/feedback"), "{\"id\":\"" + r.get("id").asText() + "\",\"gold\":\"" + (a + b) + "\"}");
        assertThat(ok.path("recorded").asBoolean()).isTrue();
      }

      // The log is written on a writer thread of its own: wait until it holds every request.
      long written = System.nanoTime() + 10_000_000_000L;
      while ((!Files.exists(log) || Files.readAllLines(log).size() < 30) && System.nanoTime() < written) Thread.sleep(50);
      // Tune on what the sidecar recorded, to a tight budget, and drop the file in place atomically.
      Path next = dir.resolve("next.json");
      int code = new CommandLine(new TuneCommand()).execute("--traces", log.getParent().toString(), "--out", next.toString(),
          "--budget-tokens", "30", "--wave", "1", "--tokens-per-sample", "160", "--order", "stored");
      assertThat(code).isZero();
      assertThat(PolicyFile.load(next).provenance().path("questions").asInt()).isEqualTo(30);
      Files.move(next, policy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (!controller.policy().description().startsWith("ComputeOptimal{") && System.nanoTime() < deadline) Thread.sleep(100);
      assertThat(controller.policy().description()).startsWith("ComputeOptimal{");

      List<Integer> samplesAfter = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        JsonNode r = post(http, base.resolve("/v1/chat/completions"),
            "{\"model\":\"bursar\",\"messages\":[{\"role\":\"user\",\"content\":\"What is " + (5 + i) + "+3?\"}],\"seed\":" + i + "}");
        assertThat(r.path("bursar").path("plan").asText()).contains("bursar");
        samplesAfter.add(r.path("bursar").path("samples").asInt());
      }
      // The new policy decides as it says: easy sums stop after a sample or two instead of Adaptive-Consistency's four or more.
      assertThat(samplesAfter.stream().mapToInt(Integer::intValue).average().orElseThrow())
          .isLessThan(samplesBefore.stream().mapToInt(Integer::intValue).average().orElseThrow());
    }
  }

  private static JsonNode post(HttpClient http, URI uri, String body) throws Exception {
    var response = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s -> %s", uri, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
