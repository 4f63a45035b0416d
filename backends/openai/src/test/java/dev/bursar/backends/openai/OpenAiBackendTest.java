package dev.bursar.backends.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class OpenAiBackendTest {
  private final FakeOpenAiServer server = new FakeOpenAiServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private OpenAiBackend backend(UpstreamClient.Settings s) {
    return OpenAiBackend.builder().settings(s).model("fake-model").endpoint(OpenAiBackend.Endpoint.COMPLETIONS).build();
  }

  private UpstreamClient.Settings settings() {
    return UpstreamClient.Settings.of(URI.create(server.baseUrl())).withRetries(3, Duration.ofMillis(1))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500));
  }

  private static GenerationRequest request(int n) {
    return GenerationRequest.of("Q:17+25*3\n", n, 64, new Sampling(0.8, 1, 0, 7));
  }

  @Test
  void generate_serverRefusesN_sendsTheSequencesInParallelAndRemembers() {
    server.rejectN(true);
    try (var b = backend(settings())) {
      assertThat(b.generate(request(3), TokenListener.NONE)).hasSize(3).extracting(Generation::index).containsExactly(0, 1, 2);
      int before = server.requests.get();
      assertThat(b.generate(request(2), TokenListener.NONE)).hasSize(2);
      assertThat(server.requests.get() - before).as("no second try of n once refused").isEqualTo(2);
    }
  }

  @Test
  void generate_503ThenOk_isRetried() {
    server.fault(new FakeOpenAiServer.Fault.Status(503, "{\"error\":{\"message\":\"busy\"}}"));
    try (var b = backend(settings())) {
      assertThat(b.generate(request(1), TokenListener.NONE).getFirst().text()).contains("A:");
      assertThat(server.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void generate_500_isNotRetriedAndKeepsTheUpstreamsStatusAndBody() {
    server.fault(new FakeOpenAiServer.Fault.Status(500, "{\"error\":{\"message\":\"CUDA out of memory\"}}"));
    try (var b = backend(settings())) {
      assertThatThrownBy(() -> b.generate(request(1), TokenListener.NONE)).isInstanceOfSatisfying(UpstreamException.class, e -> {
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.body()).contains("CUDA out of memory");
        assertThat(e.retryable()).isTrue();
      });
      assertThat(server.requests.get()).isEqualTo(1);
    }
  }

  @Test
  void generate_upstreamKeepsFailing_opensTheBreakerAndFailsFast() {
    for (int i = 0; i < 10; i++) server.fault(new FakeOpenAiServer.Fault.Status(500, "{}"));
    var s = settings().withBreaker(50, 4, Duration.ofSeconds(30));
    try (var b = backend(s)) {
      for (int i = 0; i < 4; i++) assertThatThrownBy(() -> b.generate(request(1), TokenListener.NONE)).isInstanceOf(UpstreamException.class);
      int sent = server.requests.get();
      assertThatThrownBy(() -> b.generate(request(1), TokenListener.NONE)).isInstanceOf(BackendException.class)
          .hasMessageContaining("circuit breaker is open");
      assertThat(server.requests.get()).as("an open breaker sends nothing").isEqualTo(sent);
      assertThat(b.client().breakerState()).isEqualTo("OPEN");
    }
  }

  @Test
  void generate_noResponseWithinTheReadTimeout_failsWithATimeout() {
    server.fault(new FakeOpenAiServer.Fault.Delay(3_000));
    try (var b = backend(settings())) {
      assertThatThrownBy(() -> b.generate(request(1), TokenListener.NONE)).isInstanceOf(BackendException.class)
          .hasMessageContaining("no response within 500 ms");
    }
  }

  @Test
  void generate_connectionReset_failsClearly() {
    server.fault(new FakeOpenAiServer.Fault.Reset());
    try (var b = backend(settings().withRetries(1, Duration.ofMillis(1)))) {
      assertThatThrownBy(() -> b.generate(request(1), TokenListener.NONE)).isInstanceOf(BackendException.class)
          .hasMessageContaining("failed");
    }
  }

  @Test
  void stream_truncated_failsInsteadOfPassingAPartialSampleAsWhole() {
    server.fault(new FakeOpenAiServer.Fault.Truncate(3));
    try (var b = backend(settings())) {
      assertThatThrownBy(() -> b.generate(request(1), (seq, ev) -> true)).isInstanceOf(BackendException.class)
          .hasMessageContaining("without finishing");
    }
  }

  @Test
  void stream_silentLongerThanTheReadTimeout_isClosed() {
    server.fault(new FakeOpenAiServer.Fault.Slow(2_000));
    try (var b = backend(settings())) {
      assertThatThrownBy(() -> b.generate(request(1), (seq, ev) -> true)).isInstanceOf(BackendException.class)
          .hasMessageContaining("500 ms"); // before the headers or between chunks
    }
  }

  @Test
  void stream_cancelled_stopsTheUpstreamGenerating() throws InterruptedException {
    server.millisPerToken(20);
    try (var b = backend(settings().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)))) {
      Generation g = b.generate(request(1), (seq, ev) -> ev.position() < 2).getFirst();
      assertThat(g.finish()).isEqualTo(FinishReason.CANCELLED);
      assertThat(g.outputTokens()).isEqualTo(3);
      // The server notices the closed connection at its next write and stops.
      for (int i = 0; i < 100 && server.streamsClosedByClient.get() == 0; i++) Thread.sleep(20);
      assertThat(server.streamsClosedByClient.get()).isEqualTo(1);
      assertThat(server.tokensSent.get()).as("tokens the server generated of its 17").isLessThan(FakeOpenAiServer.CHAIN.size());
    }
  }

  @Test
  void chat_conversationInMetadata_isSentAsMessages() {
    try (var b = OpenAiBackend.builder().settings(settings()).model("fake-model").build()) {
      var req = new GenerationRequest("What is 17+25*3?", 1, 64, Sampling.GREEDY, List.of(), 0,
          Map.of(OpenAiBackend.MESSAGES, "[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"What is 17+25*3?\"}]"));
      Generation g = b.generate(req, TokenListener.NONE).getFirst();
      assertThat(g.text()).endsWith("A:92\n");
      assertThat(g.finish()).isEqualTo(FinishReason.EOS);
    }
  }

  @Test
  void apiKey_isNeverInAFailureMessage() {
    server.fault(new FakeOpenAiServer.Fault.Status(401, "{\"error\":{\"message\":\"bad key\"}}"));
    try (var b = backend(settings().withApiKey("sk-secret-123"))) {
      assertThatThrownBy(() -> b.generate(request(1), TokenListener.NONE))
          .satisfies(e -> assertThat(e.toString()).doesNotContain("sk-secret-123"));
    }
  }

  @Test
  void settings_badUrl_isRefusedWithTheReason() {
    assertThatThrownBy(() -> UpstreamClient.Settings.of(URI.create("ftp://x/v1"))).hasMessageContaining("http://");
    assertThatThrownBy(() -> OpenAiBackend.builder().model("m").build()).hasMessageContaining("baseUrl");
  }

  /** A loopback server that answers every request to {@code path} with {@code body}, as a recorded server did. */
  private static HttpServer replay(String path, String contentType, String body) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    s.createContext(path, ex -> {
      ex.getRequestBody().readAllBytes();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    s.start();
    return s;
  }

  private static OpenAiBackend.Builder replaying(HttpServer s) {
    var settings = UpstreamClient.Settings.of(URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/v1"))
        .withRetries(1, Duration.ofMillis(1)).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    return OpenAiBackend.builder().settings(settings).model("recorded");
  }

  @Test
  void chat_recordedVllmResponse_givesItsLogprobsAndNoConfidenceForThePlaceholder() throws IOException {
    HttpServer s = replay("/v1/chat/completions", "application/json", TokenLogprobsTest.fixture("vllm-chat.json").toString());
    try (var b = replaying(s).streaming(false).build()) {
      Generation g = b.generate(GenerationRequest.of("x", 1, 64, Sampling.GREEDY), TokenListener.NONE).getFirst();
      assertThat(g.text()).isEqualTo("{}");
      assertThat(g.outputTokens()).as("one entry per token, the end-of-sequence one included").isEqualTo(3);
      assertThat(g.finish()).isEqualTo(FinishReason.EOS);
      assertThat(g.tokenLogprobs()).containsExactly(-0.03710511326789856, 0.0, 0.0);
      assertThat(g.tokenConfidence()[0]).isCloseTo((0.03710511326789856 + 3.312495708465576) / 2, within(1e-12));
      assertThat(g.tokenConfidence()[1]).isEqualTo(0.0);
      assertThat(g.tokenConfidence()[2]).as("vLLM's -9999.0 placeholder is no confidence, not 9999").isEqualTo(0.0);
    } finally {
      s.stop(0);
    }
  }

  @Test
  void stream_recordedLlamaCppChunks_giveOneEventPerTokenWithItsLogprob() throws IOException {
    var sse = new StringBuilder();
    for (JsonNode chunk : TokenLogprobsTest.fixture("llamacpp-chat-stream.json").get("chunks")) {
      sse.append("data: ").append(chunk).append("\n\n");
    }
    sse.append("data: [DONE]\n\n");
    HttpServer s = replay("/v1/chat/completions", "text/event-stream", sse.toString());
    List<TokenListener.TokenEvent> events = new ArrayList<>();
    try (var b = replaying(s).build()) {
      Generation g = b.generate(GenerationRequest.of("x", 1, 64, Sampling.GREEDY), (seq, ev) -> events.add(ev)).getFirst();
      assertThat(g.text()).isEqualTo("овые щё");
      assertThat(g.outputTokens()).isEqualTo(3);
      assertThat(g.finish()).isEqualTo(FinishReason.EOS);
      assertThat(events).extracting(TokenListener.TokenEvent::text).containsExactly("овые", " щ", "ё");
      assertThat(events).extracting(TokenListener.TokenEvent::logprob)
          .containsExactly(-1.78815535036847e-05, -6.9141628955549095e-06, -0.39498597383499146);
      assertThat(g.tokenLogprobs()).containsExactly(-1.78815535036847e-05, -6.9141628955549095e-06, -0.39498597383499146);
    } finally {
      s.stop(0);
    }
  }
}
