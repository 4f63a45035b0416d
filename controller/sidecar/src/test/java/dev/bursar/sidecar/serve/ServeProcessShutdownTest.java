package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real {@code bursar serve} process in front of a slow upstream: the request in flight
 * still gets its answer, a request that arrives while it drains is refused at once, and the process
 * ends.
 */
final class ServeProcessShutdownTest {
  private static final byte[] ANSWER = ("{\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion\",\"created\":0,"
      + "\"model\":\"slow\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"92\"},"
      + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":1,\"total_tokens\":13}}")
      .getBytes(StandardCharsets.UTF_8);

  @Test
  void sigterm_drainsTheRequestInFlight_refusesNewOnes_andEnds() throws Exception {
    var received = new CountDownLatch(1);
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    upstream.createContext("/v1/chat/completions", ex -> {
      try (ex) {
        ex.getRequestBody().readAllBytes();
        received.countDown();
        Thread.sleep(1500); // still answering when SIGTERM arrives
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, ANSWER.length);
        ex.getResponseBody().write(ANSWER);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    upstream.start();
    String body = "{\"model\":\"slow\",\"messages\":[" + ChatService.EXAMPLE + "],\"bursar\":{\"mode\":\"fast\"}}";
    try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var serve = new ServeProcess("--upstream", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1", "--model", "slow")) {
      var inFlight = http.sendAsync(post(serve.url, body), HttpResponse.BodyHandlers.ofString());
      assertThat(received.await(30, TimeUnit.SECONDS)).as("the upstream got the request; sidecar output:\n" + serve.output()).isTrue();

      serve.terminate();
      assertThat(serve.printed("bursar: stopping: new requests get 503; finishing 1 in flight", 10))
          .as("the shutdown hook says what it does; output:\n" + serve.output()).isTrue();
      HttpResponse<String> late = http.send(post(serve.url, body), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> drained = inFlight.get(30, TimeUnit.SECONDS);

      assertThat(late.statusCode()).as(late.body()).isEqualTo(503);
      assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
      assertThat(drained.body()).contains("\"content\":\"92\"");
      assertThat(serve.ended(30)).as("the process ended after draining; output:\n" + serve.output()).isTrue();
    } finally {
      upstream.stop(0);
    }
  }

  private static HttpRequest post(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions")).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
  }
}
