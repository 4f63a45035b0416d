package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Backend;
import dev.bursar.sidecar.serve.SidecarClient.Reply;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API beyond a plain chat completion, on the scripted embedded model: streams, text completions, bad input. */
@MicronautTest
final class SidecarApiTest {
  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;
  @Inject io.micronaut.runtime.server.EmbeddedServer server;
  SidecarClient client;

  @MockBean(Backend.class)
  Backend backend() {
    return ScriptedModel.backend();
  }

  @BeforeEach
  void setUp() {
    client = new SidecarClient(http, json);
  }

  private String raw(String path, String body) {
    try {
      return http.toBlocking().retrieve(HttpRequest.POST(path, body).contentType(MediaType.APPLICATION_JSON_TYPE), String.class);
    } catch (HttpClientResponseException e) {
      return e.getStatus().getCode() + " " + e.getResponse().getBody(String.class).orElse("");
    }
  }

  @Test
  void chat_stream_sendsTheDecidedAnswerAsEventsThenDone() {
    String sse = raw("/v1/chat/completions", "{\"model\":\"bursar\",\"stream\":true,\"messages\":[" + ChatService.EXAMPLE + "]}");

    assertThat(sse).contains("\"object\":\"chat.completion.chunk\"").contains("\"content\":\"92\"")
        .contains("\"finish_reason\":\"stop\"").contains("\"bursar\":").endsWith("data: [DONE]\n\n");
  }

  @Test
  void chat_usage_hasReasoningAndCachedTokenDetails() {
    Reply r = client.ask("What is 17+25*3?");

    assertThat(r.number("usage.completion_tokens_details.reasoning_tokens")).isEqualTo(r.number("usage.completion_tokens"));
    assertThat(r.number("usage.prompt_tokens_details.cached_tokens")).isZero();
    assertThat(r.node("bursar.cost").getDoubleValue()).isEqualTo(r.number("usage.total_tokens"));
  }

  @Test
  void chat_reasoningEffortLow_halvesTheBudget_andAnUnknownLevelIs400() {
    Reply low = client.chat("{\"messages\":[" + ChatService.EXAMPLE + "],\"reasoning_effort\":\"low\"}");
    assertThat(low.status()).isEqualTo(200);
    assertThat(low.number("usage.completion_tokens")).isLessThanOrEqualTo(1024);

    Reply bad = client.chat("{\"messages\":[" + ChatService.EXAMPLE + "],\"reasoning_effort\":\"extreme\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.text("error.param")).isEqualTo("reasoning_effort");
    assertThat(bad.text("error.message")).contains("none, minimal, low, medium, high, xhigh");
  }

  @Test
  void chat_streamAndWholeResponse_carryTheIdOfTheRun() {
    Reply r = client.ask("What is 17+25*3?");
    assertThat(r.text("id")).startsWith("chatcmpl-").hasSize("chatcmpl-".length() + 32);
  }

  @Test
  void chat_maxSamples_capsTheVote() {
    Reply r = client.chat("{\"messages\":[" + ChatService.EXAMPLE + "],\"bursar\":{\"max_samples\":1}}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.number("bursar.samples")).isEqualTo(1);
  }

  @Test
  void completions_raw_isTheModelsContinuationWithNAndLogprobs() {
    Reply r = client.exchange(HttpRequest.POST("/v1/completions",
        "{\"model\":\"bursar\",\"prompt\":\"Q:17+25*3\\n\",\"max_tokens\":200,\"n\":2,\"logprobs\":1}")
        .contentType(MediaType.APPLICATION_JSON_TYPE));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("object")).isEqualTo("text_completion");
    assertThat(r.node("choices").size()).isEqualTo(2);
    assertThat(r.text("choices.0.text")).isEqualTo(ScriptedModel.SOLUTION);
    assertThat(r.node("choices.0.logprobs.tokens").size()).isEqualTo(ScriptedModel.SOLUTION.length());
    assertThat(r.text("choices.1.finish_reason")).isEqualTo("stop");
    assertThat(r.number("usage.completion_tokens")).isEqualTo(2L * ScriptedModel.SOLUTION.length());
  }

  @Test
  void completions_rawWithStopAndCap_endAsAsked() {
    Reply r = client.exchange(HttpRequest.POST("/v1/completions",
        "{\"prompt\":\"Q:17+25*3\\n\",\"max_tokens\":5}").contentType(MediaType.APPLICATION_JSON_TYPE));

    assertThat(r.text("choices.0.text")).isEqualTo(ScriptedModel.SOLUTION.substring(0, 5));
    assertThat(r.text("choices.0.finish_reason")).isEqualTo("length");
  }

  @Test
  void completions_rawStream_sendsEveryTokenThenDone() {
    String sse = raw("/v1/completions", "{\"prompt\":\"Q:17+25*3\\n\",\"max_tokens\":200,\"stream\":true}");

    assertThat(sse.split("\"finish_reason\":null", -1)).hasSize(ScriptedModel.SOLUTION.length() + 1);
    assertThat(sse).contains("\"usage\":").endsWith("data: [DONE]\n\n");
  }

  @Test
  void completions_decided_votesOverSamples() {
    Reply r = client.exchange(HttpRequest.POST("/v1/completions",
        "{\"prompt\":\"Q:17+25*3\\n\",\"bursar\":{\"mode\":\"self_consistency\"}}").contentType(MediaType.APPLICATION_JSON_TYPE));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("bursar.mode")).isEqualTo("SELF_CONSISTENCY");
    assertThat(r.text("choices.0.text")).endsWith("A:92\n");
  }

  @Test
  void badInput_unknownModel_404ListsTheModels() {
    Reply r = client.chat("{\"model\":\"gpt-9\",\"messages\":[" + ChatService.EXAMPLE + "]}");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.text("error.code")).isEqualTo("model_not_found");
    assertThat(r.text("error.message")).contains("gpt-9").contains("bursar");
  }

  @Test
  void badInput_trailingGarbage_400() {
    Reply r = client.chat("{\"messages\":[" + ChatService.EXAMPLE + "]} trailing");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text("error.code")).isEqualTo("trailing_data");
  }

  @Test
  void badInput_deeplyNestedJson_400NotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    Reply r = client.chat("{\"messages\":[" + ChatService.EXAMPLE + "],\"x\":" + deep + "}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text("error.code")).isEqualTo("too_deep");
  }

  @Test
  void badInput_deeplyNestedQuestion_400WithoutEchoingIt() {
    String q = "(".repeat(5_000) + "1+1" + ")".repeat(5_000);
    Reply r = client.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"What is " + q + "?\"}]}");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text("error.message")).hasSizeLessThan(700).doesNotContain("((((((((((");
  }

  @Test
  void badInput_bodyOverTheLimit_413() {
    String big = "x".repeat(2 * 1024 * 1024);
    Reply r = client.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}");

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.text("error.code")).isEqualTo("body_too_large");
  }

  @Test
  void badInput_completionPromptOfWrongType_400() {
    Reply r = client.exchange(HttpRequest.POST("/v1/completions", "{\"prompt\":42}").contentType(MediaType.APPLICATION_JSON_TYPE));

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text("error.param")).isEqualTo("prompt");
  }

  @Test
  void badInput_malformedUrl_4xxNot500() throws Exception {
    try (var s = new java.net.Socket("127.0.0.1", server.getPort())) {
      s.getOutputStream().write("GET /v1/%zz%%/models?x=%G1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String status = new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(status).startsWith("HTTP/1.1 4");
    }
  }

  @Test
  void readiness_isUpWithTheEmbeddedModel() {
    Reply r = client.exchange(HttpRequest.GET("/health/ready"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("status")).isEqualTo("UP");
  }
}
