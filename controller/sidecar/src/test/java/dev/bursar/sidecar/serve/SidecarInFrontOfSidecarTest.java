package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.bursar.backends.djl.EmbeddedModel;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real upstream process: {@code bursar serve} runs the embedded model as an OS process of its own
 * on loopback (a genuine OpenAI-compatible server: its text completions are the model's raw
 * continuations), and a second sidecar runs in front of it with {@code --upstream}, as
 * {@code ./bursar serve --upstream http://127.0.0.1:PORT/v1 --model NAME --endpoint completions} would.
 */
final class SidecarInFrontOfSidecarTest {
  private static ServeProcess model;
  private static Loopback front;

  @BeforeAll
  static void start() throws Exception {
    assumeThat(EmbeddedModel.available()).as("the embedded model's weights are in this build").isTrue();
    model = new ServeProcess();
    front = new Loopback(Map.of("micronaut.server.port", -1, "bursar.sidecar.upstream", model.url + "/v1",
        "bursar.sidecar.model", model.modelName, "bursar.sidecar.endpoint", "completions"));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (front != null) front.close();
    if (model != null) model.close();
  }

  @Test
  void selfConsistency_throughTheFront_votesOverUpstreamSamplesAndStopsEarly() {
    Loopback.Reply r = front.post("/v1/completions",
        "{\"prompt\":\"Q:17+25*3\\n\",\"max_tokens\":160,\"temperature\":0.1,\"seed\":7,"
            + "\"bursar\":{\"mode\":\"self_consistency\"}}", Duration.ofSeconds(60));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("A:92").contains("\"mode\":\"SELF_CONSISTENCY\"").contains("ac-beta-stop");
    // A wave of upstream samples, stopped before the cap of 8.
    assertThat(r.body()).containsPattern("\"samples\":[2-7],");
  }

  @Test
  void stream_endToEnd_relaysTheUpstreamModelsTokens() {
    Loopback.Reply r = front.post("/v1/completions", "{\"prompt\":\"Q:17+25*3\\n\",\"max_tokens\":160,\"stream\":true}",
        Duration.ofSeconds(60));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("\"object\":\"text_completion\"").contains("\"text\":\"</think>\"")
        .endsWith("data: [DONE]\n\n");
  }

  @Test
  void chat_throughTheFront_answers92() {
    Loopback.Reply r = front.post("/v1/chat/completions", "{\"messages\":[" + ChatService.EXAMPLE + "]}", Duration.ofSeconds(60));

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("92");
  }

  @Test
  void models_listTheUpstreamsModel() {
    assertThat(front.get("/v1/models").body()).contains("\"id\":\"" + model.modelName + "\"");
  }
}
