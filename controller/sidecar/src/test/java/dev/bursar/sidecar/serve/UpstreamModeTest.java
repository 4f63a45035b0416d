package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.backends.openai.FakeOpenAiServer;
import dev.bursar.backends.openai.FakeOpenAiServer.Fault;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bursar in front of an OpenAI-compatible server (a fault-injecting one on loopback): requests
 * pass through or are decided, upstream errors keep their status and body, and every request
 * ends with an answer or a clear error within its deadline.
 */
final class UpstreamModeTest {
  private static final String QUESTION = "{\"model\":\"fake-model\",\"messages\":[" + ChatService.EXAMPLE + "]";
  private static final Duration CLIENT_LIMIT = Duration.ofSeconds(20);

  private FakeOpenAiServer upstream;
  private Loopback bursar;

  @BeforeEach
  void start() {
    upstream = new FakeOpenAiServer();
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.port", -1);
    props.put("bursar.sidecar.upstream", upstream.baseUrl());
    props.put("bursar.sidecar.model", "fake-model");
    props.put("bursar.sidecar.deadline", "3s");
    props.put("bursar.sidecar.upstream-read-timeout", "1s");
    bursar = new Loopback(props);
  }

  @AfterEach
  void stop() {
    bursar.close();
    upstream.close();
  }

  @Test
  void fast_passesThroughWithBursarsNote() {
    Loopback.Reply r = bursar.post("/v1/chat/completions", QUESTION + ",\"bursar\":{\"mode\":\"fast\"}}", CLIENT_LIMIT);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("\"content\":\"<think>").contains("\"outcome\":\"passthrough\"");
    assertThat(upstream.requests.get()).isEqualTo(1);
  }

  @Test
  void toolsOrN_cannotBeVotedOn_passThroughAsFast() {
    Loopback.Reply r = bursar.post("/v1/chat/completions", QUESTION + ",\"n\":2,\"tools\":[]}", CLIENT_LIMIT);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("\"index\":1").contains("\"outcome\":\"passthrough\"");
  }

  @Test
  void selfConsistency_drawsSeveralUpstreamSamplesAndStopsEarly() {
    Loopback.Reply r = bursar.post("/v1/chat/completions", QUESTION + ",\"temperature\":0,\"bursar\":{\"mode\":\"self_consistency\"}}",
        CLIENT_LIMIT);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"mode\":\"SELF_CONSISTENCY\"").contains("ac-beta-stop");
    // One streamed request per sample: several, fewer than the plan's cap of 8.
    assertThat(upstream.requests.get()).isBetween(2, 7);
    assertThat(r.body()).contains("A:92");
  }

  @Test
  void aVerifierScoresEachSample_andTheTraceLogKeepsTheScores(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    var log = dir.resolve("trace.jsonl");
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.port", -1);
    props.put("bursar.sidecar.upstream", upstream.baseUrl());
    props.put("bursar.sidecar.model", "fake-model");
    props.put("bursar.sidecar.trace-log", log.toString());
    props.put("bursar.verifier.url", upstream.poolingUrl());
    props.put("bursar.verifier.model", "fake-rm");
    try (var verified = new Loopback(props)) {
      Loopback.Reply r = verified.post("/v1/chat/completions", QUESTION + ",\"temperature\":0,\"bursar\":{\"mode\":\"self_consistency\"}}",
          CLIENT_LIMIT);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("A:92");
    }
    assertThat(upstream.scored.get()).isGreaterThanOrEqualTo(2);
    var record = dev.bursar.trace.Pool.read(log).records().getFirst();
    assertThat(record.samples()).isNotEmpty().allSatisfy(sample -> assertThat(sample.score()).isEqualTo(2.0));
  }

  @Test
  void aVerifierWithoutItsModelName_isRefusedWithTheFlagToAdd() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new VerifierConfig(upstream.poolingUrl(), null, Duration.ofSeconds(30)))
        .hasMessageContaining("--verifier-model");
  }

  @Test
  void stream_passThrough_relaysTheUpstreamsEvents() {
    // Greedy: the fake upstream replaces digits at random when it samples, and this test reads the answer.
    Loopback.Reply r = bursar.post("/v1/chat/completions",
        QUESTION + ",\"stream\":true,\"temperature\":0,\"bursar\":{\"mode\":\"fast\"}}", CLIENT_LIMIT);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("\"delta\":{\"content\":\"92\"}").contains("data: [DONE]");
  }

  @Test
  void stream_clientGoes_upstreamStopsGenerating() throws Exception {
    upstream.millisPerToken(50);
    try (InputStream in = bursar.open("/v1/completions", "{\"model\":\"fake-model\",\"prompt\":\"Q:17+25*3\\n\",\"stream\":true}")) {
      assertThat(Loopback.read(in, 10)).startsWith("data:");
    }
    for (int i = 0; i < 200 && upstream.streamsClosedByClient.get() == 0; i++) Thread.sleep(10);
    assertThat(upstream.streamsClosedByClient.get()).as("the upstream saw its stream closed").isEqualTo(1);
    assertThat(upstream.tokensSent.get()).isLessThan(17);
    // The slot came back.
    for (int i = 0; i < 200 && bursar.bean(Admission.class).inFlight() > 0; i++) Thread.sleep(10);
    assertThat(bursar.bean(Admission.class).inFlight()).isZero();
  }

  @Test
  void upstream5xx_reachesTheClientWithItsStatusAndBody() {
    upstream.fault(new Fault.Status(500, "{\"error\":{\"message\":\"CUDA out of memory\",\"type\":\"server_error\"}}"));
    Loopback.Reply r = bursar.post("/v1/chat/completions", QUESTION + ",\"bursar\":{\"mode\":\"fast\"}}", CLIENT_LIMIT);

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.body()).contains("CUDA out of memory");
  }

  @Test
  void upstream404_isNotTakenForAnUnknownUrl() {
    upstream.fault(new Fault.Status(404, "{\"error\":{\"message\":\"The model `x` does not exist.\"}}"));
    Loopback.Reply r = bursar.post("/v1/chat/completions", QUESTION + ",\"bursar\":{\"mode\":\"fast\"}}", CLIENT_LIMIT);

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.body()).contains("does not exist");
  }

  @Test
  void upstreamSilent_504WithinTheDeadline() {
    upstream.fault(new Fault.Delay(5_000));
    long t0 = System.nanoTime();
    Loopback.Reply r = bursar.post("/v1/chat/completions", QUESTION + ",\"bursar\":{\"mode\":\"fast\"}}", CLIENT_LIMIT);

    assertThat(r.status()).isEqualTo(504);
    assertThat(r.body()).contains("no response within");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void upstreamResets_502SaysSo() {
    for (int i = 0; i < 3; i++) upstream.fault(new Fault.Reset());
    Loopback.Reply r = bursar.post("/v1/chat/completions", QUESTION + ",\"bursar\":{\"mode\":\"fast\"}}", CLIENT_LIMIT);

    assertThat(r.status()).isEqualTo(502);
    assertThat(r.body()).contains("\"type\":\"upstream_error\"");
  }

  @Test
  void upstreamStreamCutShort_endsWithAnErrorEvent() {
    upstream.fault(new Fault.Truncate(3));
    Loopback.Reply r = bursar.post("/v1/chat/completions", QUESTION + ",\"stream\":true,\"bursar\":{\"mode\":\"fast\"}}",
        CLIENT_LIMIT);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("ended before it finished").doesNotContain("data: [DONE]");
  }

  @Test
  void decidedRunFails_passesThroughInstead() {
    // A sample of the vote fails: bursar serves the request as no bursar would.
    upstream.fault(new Fault.Status(400, "{\"error\":{\"message\":\"logprobs are not supported\"}}"));
    Loopback.Reply r = bursar.post("/v1/chat/completions", QUESTION + ",\"bursar\":{\"mode\":\"self_consistency\"}}", CLIENT_LIMIT);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"outcome\":\"passthrough\"").contains("\"fallback\":");
    assertThat(bursar.get("/metrics").body()).as("the fallback is counted")
        .containsPattern("bursar_passthrough_total\\{[^}]*bursar_passthrough_reason=\"fallback\"[^}]*} 1");
  }

  @Test
  void models_areTheUpstreams_andReadinessFollowsIt() {
    assertThat(bursar.get("/v1/models").body()).contains("fake-model");
    assertThat(bursar.get("/health/ready").status()).isEqualTo(200);
    upstream.close();
    Loopback.Reply down = bursar.get("/health/ready");
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.body()).contains("DOWN").contains("does not answer");
    assertThat(bursar.get("/health").status()).as("liveness stays up").isEqualTo(200);
  }

  @Test
  void unknownModel_404() {
    Loopback.Reply r = bursar.post("/v1/chat/completions", "{\"model\":\"other\",\"messages\":[" + ChatService.EXAMPLE + "]}",
        CLIENT_LIMIT);

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.body()).contains("model_not_found").contains("fake-model");
    assertThat(upstream.requests.get()).isZero();
  }
}
