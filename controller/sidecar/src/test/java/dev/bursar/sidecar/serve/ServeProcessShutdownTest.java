package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.backends.openai.FakeOpenAiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real {@code bursar serve} process in front of a slow upstream: the request in flight
 * still gets its answer, a request that arrives while it drains is refused at once, and the process
 * ends.
 */
final class ServeProcessShutdownTest {
  @Test
  void sigterm_drainsTheRequestInFlight_refusesNewOnes_andEnds() throws Exception {
    // Greedy: the fake upstream perturbs digits at random at any temperature above 0.
    String body = "{\"model\":\"fake-model\",\"temperature\":0,\"messages\":[" + ChatService.EXAMPLE + "],\"bursar\":{\"mode\":\"fast\"}}";
    try (var upstream = new FakeOpenAiServer().fault(new FakeOpenAiServer.Fault.Delay(1500)); // still answering at SIGTERM
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var serve = new ServeProcess("--upstream", upstream.baseUrl(), "--model", "fake-model")) {
      var inFlight = http.sendAsync(post(serve.url, body), HttpResponse.BodyHandlers.ofString());
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (upstream.requests.get() == 0 && System.nanoTime() < end) Thread.sleep(20);
      assertThat(upstream.requests.get()).as("the upstream got the request; sidecar output:\n" + serve.output()).isEqualTo(1);

      serve.terminate();
      assertThat(serve.printed("bursar: stopping: new requests get 503; finishing 1 in flight", 10))
          .as("the shutdown hook says what it does; output:\n" + serve.output()).isTrue();
      HttpResponse<String> late = http.send(post(serve.url, body), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> drained = inFlight.get(30, TimeUnit.SECONDS);

      assertThat(late.statusCode()).as(late.body()).isEqualTo(503);
      assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
      assertThat(drained.body()).contains("92");
      assertThat(serve.ended(30)).as("the process ended after draining; output:\n" + serve.output()).isTrue();
    }
  }

  private static HttpRequest post(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions")).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
  }
}
