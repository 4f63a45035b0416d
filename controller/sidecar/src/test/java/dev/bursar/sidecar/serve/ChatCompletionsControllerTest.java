package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.controller.Backend;
import dev.bursar.sidecar.serve.SidecarClient.Reply;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@MicronautTest
final class ChatCompletionsControllerTest {
  static final Queue<String> PROMPTS = new ConcurrentLinkedQueue<>();

  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;
  SidecarClient client;

  @MockBean(Backend.class)
  Backend backend() {
    return ScriptedModel.backend(PROMPTS);
  }

  @BeforeEach
  void setUp() {
    client = new SidecarClient(http, json);
    PROMPTS.clear();
  }

  @Test
  void complete_arithmeticQuestion_answersInOpenAiShapeWithBursarObject() {
    Reply r = client.ask("What is 17+25*3?");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("id")).startsWith("chatcmpl-");
    assertThat(r.text("object")).isEqualTo("chat.completion");
    assertThat(r.number("created")).isPositive();
    assertThat(r.text("model")).isEqualTo("fake");
    assertThat(r.node("choices").size()).isEqualTo(1);
    assertThat(r.number("choices.0.index")).isZero();
    assertThat(r.text("choices.0.message.role")).isEqualTo("assistant");
    assertThat(r.text("choices.0.message.content")).isEqualTo("92");
    assertThat(r.text("choices.0.finish_reason")).isEqualTo("stop");

    assertThat(r.text("bursar.outcome")).isEqualTo("answered");
    assertThat(r.text("bursar.mode")).isEqualTo("SELF_CONSISTENCY");
    assertThat(r.text("bursar.plan")).isEqualTo("SELF_CONSISTENCY(8, ac-beta 0.95)");
    long samples = r.number("bursar.samples");
    assertThat(samples).isBetween(1L, 8L);
    // The fake charges one token per character: every sample is the whole solution.
    assertThat(r.number("bursar.output_tokens")).isEqualTo(samples * ScriptedModel.SOLUTION.length());
    assertThat(r.number("bursar.input_tokens")).isPositive();
    assertThat(strings(r.node("bursar.exits"))).containsExactly("ac-beta-stop");
    assertThat(r.node("bursar.confidence").getDoubleValue()).isEqualTo(1.0);
    assertThat(r.text("bursar.thinking")).isEqualTo(ScriptedModel.SOLUTION);
    assertThat(r.number("bursar.elapsed_ms")).isNotNegative();
    assertThat(r.has("bursar.reason")).isFalse();

    assertThat(r.number("usage.prompt_tokens")).isEqualTo(r.number("bursar.input_tokens"));
    assertThat(r.number("usage.completion_tokens")).isEqualTo(r.number("bursar.output_tokens"));
    assertThat(r.number("usage.total_tokens"))
        .isEqualTo(r.number("usage.prompt_tokens") + r.number("usage.completion_tokens"));
  }

  @Test
  void complete_questionInWords_promptsBackendWithCanonicalExpression() {
    Reply r = client.chat("{\"model\":\"bursar\",\"messages\":["
        + "{\"role\":\"system\",\"content\":\"You are a calculator.\"},"
        + "{\"role\":\"user\",\"content\":\"What is 1+2?\"},"
        + "{\"role\":\"assistant\",\"content\":\"3\"},"
        + "{\"role\":\"user\",\"content\":\"what's 17 plus 25 times 3\"}]}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("choices.0.message.content")).isEqualTo("92");
    assertThat(PROMPTS).isNotEmpty().allMatch("Q:17+25*3\n"::equals);
  }

  @Test
  void complete_contentAsTextParts_readsTheText() {
    Reply r = client.chat("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"17+25*3=\"}]}]}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("choices.0.message.content")).isEqualTo("92");
  }

  @Test
  void complete_fastMode_runsOneChainWithProbes() {
    Reply r = client.chat(request("What is 17+25*3?", ",\"bursar\":{\"mode\":\"fast\"}"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("bursar.mode")).isEqualTo("FAST");
    assertThat(r.text("bursar.plan")).startsWith("FAST(192");
    assertThat(r.text("choices.0.message.content")).isEqualTo("92");
  }

  @Test
  void complete_deepSearchMode_searchesSteps() {
    Reply r = client.chat(request("What is 17+25*3?", ",\"bursar\":{\"mode\":\"deep_search\"}"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("bursar.mode")).isEqualTo("DEEP_SEARCH");
    assertThat(r.text("bursar.plan")).startsWith("DEEP_SEARCH(beam 4x2");
    assertThat(r.text("choices.0.message.content")).isEqualTo("92");
  }

  @Test
  void complete_budgetTokens_capsOutputTokensOfAllSamples() {
    Reply r = client.chat(request("What is 17+25*3?", ",\"bursar\":{\"budget_tokens\":100}"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.number("bursar.output_tokens")).isLessThanOrEqualTo(100);
    assertThat(r.number("usage.completion_tokens")).isLessThanOrEqualTo(100);
  }

  @Test
  void complete_maxTokensBelowSolution_cutsEachSample() {
    Reply r = client.chat(request("What is 17+25*3?", ",\"max_tokens\":10"));

    assertThat(r.status()).isEqualTo(200);
    // Each sample stops after 10 tokens, inside its thinking.
    assertThat(r.number("bursar.output_tokens")).isEqualTo(10 * r.number("bursar.samples"));
    assertThat(r.text("bursar.plan")).isEqualTo("SELF_CONSISTENCY(8, ac-beta 0.95)");
  }

  @Test
  void complete_noSampleAnswers_abstainsWithLengthAndNoGuess() {
    Reply r = client.ask("What is 1+1?");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("choices.0.message.content")).isEmpty();
    assertThat(r.text("choices.0.finish_reason")).isEqualTo("length");
    assertThat(r.text("bursar.outcome")).isEqualTo("abstained");
    assertThat(r.text("bursar.reason")).isEqualTo("no sample produced an answer");
    assertThat(r.has("bursar.thinking")).isFalse();
  }

  @Test
  void complete_backendFails_502WithBackendError() {
    Reply r = client.ask("What is 2+2?");

    assertThat(r.status()).isEqualTo(502);
    assertThat(r.text("error.type")).isEqualTo("upstream_error");
    assertThat(r.text("error.code")).isEqualTo("backend_failed");
    assertThat(r.text("error.message")).contains("connection reset by the model server").contains("retrying may succeed");
  }

  @Test
  void complete_malformedJson_400SaysItIsNotValid() {
    Reply r = client.chat("{\"model\":\"bursar\",\"messages\":[");

    assertError(r, 400, "invalid_json");
    assertThat(r.text("error.message")).startsWith("the request body is not valid JSON")
        .contains("\"messages\":[{\"role\":\"user\"");
  }

  @Test
  void complete_emptyBody_400InOpenAiShape() {
    Reply r = client.chat("");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text("error.type")).isEqualTo("invalid_request_error");
    assertThat(r.text("error.message")).isNotBlank();
  }

  @Test
  void complete_wrongFieldType_400SaysItIsNotValid() {
    Reply r = client.chat("{\"model\":\"bursar\",\"messages\":\"What is 1+2?\"}");

    assertError(r, 400, "invalid_json");
  }

  @Test
  void complete_missingMessages_400ShowsTheShape() {
    Reply r = client.chat("{\"model\":\"bursar\"}");

    assertError(r, 400, "missing_messages");
    assertThat(r.text("error.param")).isEqualTo("messages");
    assertThat(r.text("error.message")).isEqualTo("messages is missing: send the conversation as \"messages\":["
        + ChatService.EXAMPLE + "]");
  }

  @Test
  void complete_emptyMessages_400() {
    Reply r = client.chat("{\"model\":\"bursar\",\"messages\":[]}");

    assertError(r, 400, "empty_messages");
    assertThat(r.text("error.message")).startsWith("messages is empty");
  }

  @Test
  void complete_noUserMessage_400SaysToAddOne() {
    Reply r = client.chat("{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"}]}");

    assertError(r, 400, "no_user_message");
    assertThat(r.text("error.message")).startsWith("messages has no message with role \"user\"");
  }

  @Test
  void complete_emptyUserContent_400() {
    Reply r = client.ask("  ");

    assertError(r, 400, "empty_content");
    assertThat(r.text("error.param")).isEqualTo("messages[0].content");
  }

  @Test
  void complete_questionTheModelCannotAnswer_400WithParserMessage() {
    Reply r = client.ask("What is the capital of France?");

    assertError(r, 400, "unsupported_question");
    assertThat(r.text("error.message"))
        .contains("is not an arithmetic question this model can answer")
        .contains("The embedded model answers arithmetic on whole numbers")
        .contains("e.g. 'What is 17+25*3?'");
    assertThat(PROMPTS).isEmpty();
  }

  @Test
  void complete_nThree_answersThreeChoicesEachDecided() {
    Reply r = client.chat(request("What is 17+25*3?", ",\"n\":3"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.node("choices").size()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(r.number("choices." + i + ".index")).isEqualTo(i);
      assertThat(r.text("choices." + i + ".message.content")).isEqualTo("92");
    }
  }

  @Test
  void complete_nAboveTheCap_400SaysTheRange() {
    Reply r = client.chat(request("What is 17+25*3?", ",\"n\":1000"));

    assertError(r, 400, "invalid_value");
    assertThat(r.text("error.param")).isEqualTo("n");
    assertThat(r.text("error.message")).startsWith("n=1000 is not allowed").contains("1..16");
  }

  @Test
  void complete_nOne_answers() {
    assertThat(client.chat(request("What is 17+25*3?", ",\"n\":1")).status()).isEqualTo(200);
  }

  @Test
  void complete_unknownMode_400ListsTheModes() {
    Reply r = client.chat(request("What is 17+25*3?", ",\"bursar\":{\"mode\":\"think_hard\"}"));

    assertError(r, 400, "invalid_value");
    assertThat(r.text("error.param")).isEqualTo("bursar.mode");
    assertThat(r.text("error.message")).contains("\"fast\", \"self_consistency\" or \"deep_search\"");
  }

  @Test
  void complete_budgetOutOfRange_400() {
    Reply r = client.chat(request("What is 17+25*3?", ",\"bursar\":{\"budget_tokens\":0}"));

    assertError(r, 400, "invalid_value");
    assertThat(r.text("error.param")).isEqualTo("bursar.budget_tokens");
  }

  @Test
  void complete_negativeTemperature_400() {
    Reply r = client.chat(request("What is 17+25*3?", ",\"temperature\":-1"));

    assertError(r, 400, "invalid_value");
    assertThat(r.text("error.param")).isEqualTo("temperature");
  }

  @Test
  void complete_notJson_415SaysWhichHeader() {
    Reply r = client.exchange(HttpRequest.POST("/v1/chat/completions", "hello").contentType(MediaType.TEXT_PLAIN_TYPE));

    assertThat(r.status()).isEqualTo(415);
    assertThat(r.text("error.message")).contains("Content-Type: application/json");
  }

  @Test
  void models_listsTheBackendInOpenAiShape() {
    Reply r = client.exchange(HttpRequest.GET("/v1/models"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("object")).isEqualTo("list");
    assertThat(r.node("data").size()).isEqualTo(2);
    assertThat(r.text("data.1.id")).isEqualTo("bursar");
    assertThat(r.text("data.0.id")).isEqualTo("fake");
    assertThat(r.text("data.0.object")).isEqualTo("model");
    assertThat(r.text("data.0.owned_by")).isEqualTo("bursar");
  }

  @Test
  void health_isUp() {
    Reply r = client.exchange(HttpRequest.GET("/health"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("status")).isEqualTo("UP");
  }

  @Test
  void unknownPath_404InOpenAiShape() {
    Reply r = client.exchange(HttpRequest.GET("/v1/nothing"));

    assertError(r, 404, "unknown_url");
    assertThat(r.text("error.message")).contains("POST /v1/chat/completions");
  }

  private static String request(String question, String extra) {
    return "{\"model\":\"bursar\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]" + extra + "}";
  }

  private static void assertError(Reply r, int status, String code) {
    assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
    assertThat(r.body().get("error")).as("error object in %s", r.body()).isNotNull();
    assertThat(r.text("error.code")).isEqualTo(code);
    assertThat(r.text("error.message")).isNotBlank();
    assertThat(r.text("error.type")).isNotBlank();
    assertThat(r.node("error").get("param")).as("param is present (maybe null)").isNotNull();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array.values()) out.add(n.getStringValue());
    return out;
  }
}
