package dev.bursar.backends.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.controller.BackendException;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import java.net.URI;
import java.time.Duration;
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
}
