package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bursar.backends.djl.ChatTemplate;
import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.backends.djl.HfCheckpoints;
import dev.bursar.controller.Backend;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code serve --model-dir DIR} on a tiny random Llama-3.1-style checkpoint in the Hugging Face
 * layout (BF16 shards, llama3 rope scaling, chat template, generation_config.json): any chat
 * question is answered in the OpenAI shape, through the template, with one sample (FAST).
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class HfCheckpointServeTest implements TestPropertyProvider {
  private static final String CHAT = "{\"model\":\"bursar\",\"temperature\":0,\"messages\":["
      + "{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
      + "{\"role\":\"user\",\"content\":\"what is the capital of France?\"}]}";

  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;
  @Inject Backend backend;

  @Override
  public Map<String, String> getProperties() {
    try {
      Path dir = Files.createTempDirectory("bursar-hf-checkpoint");
      dir.toFile().deleteOnExit();
      HfCheckpoints.writeLlama3(dir, 21);
      for (Path f : Files.list(dir).toList()) f.toFile().deleteOnExit();
      return Map.of("bursar.sidecar.model-dir", dir.toString(), "bursar.sidecar.device", "cpu");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private SidecarClient client() {
    return new SidecarClient(http, json);
  }

  @Test
  void chat_anyQuestion_isAnsweredInTheOpenAiShape_byOneSampleThroughTheTemplate() {
    SidecarClient.Reply r = client().chat(CHAT);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text("object")).isEqualTo("chat.completion");
    assertThat(r.text("choices.0.message.role")).isEqualTo("assistant");
    assertThat(r.node("choices.0.message.content").isString()).isTrue();
    assertThat(r.text("choices.0.finish_reason")).isIn("stop", "length");
    assertThat(r.number("usage.completion_tokens")).isBetween(1L, 24L); // generation_config.json: max_new_tokens 24
    assertThat(r.number("usage.total_tokens")).isEqualTo(r.number("usage.prompt_tokens") + r.number("usage.completion_tokens"));
    assertThat(r.number("usage.completion_tokens_details.reasoning_tokens")).isZero(); // the reply is the whole text: no hidden thinking
    assertThat(r.text("bursar.mode")).isEqualTo("FAST");
    assertThat(r.text("bursar.plan")).isEqualTo("FAST(24)");
    assertThat(r.number("bursar.samples")).isEqualTo(1);
    assertThat(r.text("bursar.reason")).isEqualTo(ChatService.CHAT_REASON);

    // the reply is the model's own greedy continuation of the rendered conversation, token for token
    DjlBackend djl = (DjlBackend) backend;
    String prompt = djl.chatTemplate().orElseThrow().render(List.of(
        new ChatTemplate.Message("system", "You are a helpful assistant."),
        new ChatTemplate.Message("user", "what is the capital of France?")), true);
    var g = djl.generate(GenerationRequest.of(prompt, 1, 24, Sampling.GREEDY), TokenListener.NONE).getFirst();
    assertThat(r.text("choices.0.message.content")).isEqualTo(g.text());
    assertThat(r.number("usage.prompt_tokens")).isEqualTo(g.inputTokens());
  }

  @Test
  void chat_maxTokens_capsTheReply_andVotingIsRefused() {
    SidecarClient.Reply capped = client().chat(CHAT.replace("\"temperature\":0", "\"temperature\":0.8,\"max_tokens\":2"));
    assertThat(capped.status()).isEqualTo(200);
    assertThat(capped.number("usage.completion_tokens")).isBetween(1L, 2L);

    SidecarClient.Reply vote = client().chat(CHAT.replace("\"temperature\":0", "\"bursar\":{\"mode\":\"self_consistency\"}"));
    assertThat(vote.status()).isEqualTo(400);
    assertThat(vote.text("error.code")).isEqualTo("unsupported_mode");
  }

  @Test
  void chat_questionThatIsNotArithmetic_isNotRefused() {
    SidecarClient.Reply r = client().ask("hello there");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.node("choices.0.message.content").isString()).isTrue();
  }

  @Test
  void chat_stream_sendsTheReplyAsEventsThenDone() {
    String sse = http.toBlocking().retrieve(io.micronaut.http.HttpRequest.POST("/v1/chat/completions",
        CHAT.replace("\"temperature\":0", "\"temperature\":0,\"stream\":true"))
        .contentType(io.micronaut.http.MediaType.APPLICATION_JSON_TYPE), String.class);
    assertThat(sse).contains("\"object\":\"chat.completion.chunk\"").contains("\"role\":\"assistant\"")
        .contains("\"mode\":\"FAST\"").endsWith("data: [DONE]\n\n");
  }
}
