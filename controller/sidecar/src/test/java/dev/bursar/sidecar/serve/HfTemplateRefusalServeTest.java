package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.backends.djl.HfCheckpoints;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A Qwen2 checkpoint (q/k/v biases, tied head) whose chat template refuses some conversations
 * (gemma-2's, which raises on a system message): the template's own message comes back as a 400,
 * and a conversation it accepts is answered.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class HfTemplateRefusalServeTest implements TestPropertyProvider {
  private static final String GEMMA = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
      + "{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}"
      + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] | trim + '<|im_end|>\\n' }}{% endfor %}"
      + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

  @Inject @Client("/") HttpClient http;
  @Inject JsonMapper json;
  @Inject dev.bursar.controller.ComputeController controller;

  @Override
  public Map<String, String> getProperties() {
    try {
      Path dir = Files.createTempDirectory("bursar-hf-qwen2");
      dir.toFile().deleteOnExit();
      HfCheckpoints.writeQwen2(dir, 22);
      ObjectMapper m = new ObjectMapper();
      ObjectNode cfg = (ObjectNode) m.readTree(dir.resolve("tokenizer_config.json").toFile());
      cfg.put("chat_template", GEMMA);
      Files.writeString(dir.resolve("tokenizer_config.json"), cfg.toPrettyString());
      for (Path f : Files.list(dir).toList()) f.toFile().deleteOnExit();
      return Map.of("bursar.sidecar.model-dir", dir.toString(), "bursar.sidecar.device", "cpu");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aConversationTheTemplateRefuses_is400WithItsMessage_andOneItAccepts_isAnswered() {
    var client = new SidecarClient(http, json);
    SidecarClient.Reply refused = client.chat("{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
        + "{\"role\":\"user\",\"content\":\"hello\"}]}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.text("error.code")).isEqualTo("unsupported_conversation");
    assertThat(refused.text("error.message")).isEqualTo("chat template: System role not supported");

    SidecarClient.Reply answered = client.chat("{\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
    assertThat(answered.status()).isEqualTo(200);
    assertThat(answered.node("choices.0.message.content").isString()).isTrue();
    assertThat(answered.number("usage.completion_tokens")).isBetween(1L, 4L);
    assertThat(answered.text("bursar.plan")).isEqualTo("FAST(4)"); // the client's max_tokens
    // without max_new_tokens in generation_config.json a reply may take 512 tokens
    assertThat(controller.policy().description()).isEqualTo("Fixed{FAST(" + SidecarFactory.CHAT_MAX_TOKENS + ")}");
  }
}
