package dev.bursar.backends.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.backends.djl.ChatTemplate.Message;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real published chat templates rendered by Jinjava against what Jinja2 renders for them (as
 * transformers' apply_chat_template does). Llama-3.2 and Qwen2.5 sources are their
 * tokenizer_config.json templates verbatim (test resources); Llama-3 and Qwen2 are in
 * {@link HfCheckpoints}.
 */
final class ChatTemplateTest {
  private static final List<Message> SYSTEM_USER = List.of(
      new Message("system", "You are a helpful assistant."), new Message("user", "What is the capital of France?"));
  private static final Clock JUL_26_2024 = Clock.fixed(Instant.parse("2024-07-26T10:00:00Z"), ZoneOffset.UTC);

  private static String resource(String name) throws IOException {
    try (InputStream in = ChatTemplateTest.class.getResourceAsStream("templates/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void llama3_systemAndUser_withGenerationPrompt() {
    var t = ChatTemplate.of(HfCheckpoints.LLAMA3_TEMPLATE, "<|begin_of_text|>", "<|eot_id|>");
    assertThat(t.render(SYSTEM_USER, true)).isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
        + "You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
        + "What is the capital of France?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    // trim applies to the content, not to the concatenation (filters bind tighter than +)
    assertThat(t.render(List.of(new Message("user", "  Hi \n")), false))
        .isEqualTo("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>");
  }

  @Test
  void llama32_systemAndUser_datesTheSystemHeaderWithStrftimeNow() throws IOException {
    var t = ChatTemplate.of(resource("llama-3.2-1b-instruct.jinja"), "<|begin_of_text|>", "<|eot_id|>").withClock(JUL_26_2024);
    assertThat(t.render(SYSTEM_USER, true)).isEqualTo("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
        + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
        + "You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
        + "What is the capital of France?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    var later = t.withClock(Clock.fixed(Instant.parse("2025-03-05T23:00:00Z"), ZoneOffset.UTC));
    assertThat(later.render(SYSTEM_USER, true)).contains("Today Date: 05 Mar 2025\n\n");
  }

  @Test
  void llama32_matchesJinja2_forOneUserTurnAndAnExchange() throws IOException {
    // Jinja2 3.1 with trim_blocks and lstrip_blocks, bos_token "" (what the published fixtures used)
    var t = ChatTemplate.of(resource("llama-3.2-1b-instruct.jinja"), "", "").withClock(JUL_26_2024);
    String header = "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
        + "Today Date: 26 Jul 2024\n\n<|eot_id|>";
    assertThat(t.render(List.of(new Message("user", "Hi")), true))
        .isEqualTo(header + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
    assertThat(t.render(List.of(new Message("user", "Hi")), false))
        .isEqualTo(header + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>");
    assertThat(t.render(List.of(new Message("user", "A"), new Message("assistant", "B")), true))
        .isEqualTo(header + "<|start_header_id|>user<|end_header_id|>\n\nA<|eot_id|><|start_header_id|>assistant"
            + "<|end_header_id|>\n\nB<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
  }

  @Test
  void qwen2_systemAndUser_andTheDefaultSystemPrompt() {
    var t = ChatTemplate.of(HfCheckpoints.QWEN2_TEMPLATE, "", "<|im_end|>");
    assertThat(t.render(SYSTEM_USER, true)).isEqualTo("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
        + "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n");
    assertThat(t.render(List.of(new Message("user", "Hi")), false))
        .isEqualTo("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n");
  }

  @Test
  void qwen25_matchesJinja2() throws IOException {
    var t = ChatTemplate.of(resource("qwen2.5-0.5b-instruct.jinja"), "", "<|im_end|>");
    assertThat(t.render(SYSTEM_USER, true)).isEqualTo("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
        + "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n");
    String qwen = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n";
    assertThat(t.render(List.of(new Message("user", "Hi")), true))
        .isEqualTo(qwen + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    assertThat(t.render(List.of(new Message("user", "A"), new Message("assistant", "B")), true))
        .isEqualTo(qwen + "<|im_start|>user\nA<|im_end|>\n<|im_start|>assistant\nB<|im_end|>\n<|im_start|>assistant\n");
  }

  @Test
  void raiseException_refusesTheConversationWithTheTemplatesMessage() {
    // google/gemma-2-2b-it's template
    String gemma = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}"
        + "{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
        + "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}"
        + "{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}"
        + "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}";
    var t = ChatTemplate.of(gemma, "<bos>", "<eos>");
    assertThatThrownBy(() -> t.render(SYSTEM_USER, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("chat template: System role not supported");
    assertThatThrownBy(() -> t.render(List.of(new Message("user", "a"), new Message("user", "b")), true))
        .hasMessageContaining("Conversation roles must alternate");
    assertThat(t.render(List.of(new Message("user", "Hi")), true))
        .isEqualTo("<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n");
  }

  @Test
  void tojson_writesAsTransformersDoes_andLoopControlsAndNamespacesWork() {
    var t = ChatTemplate.of("{% for m in messages %}{% if loop.index0 == 1 %}{% break %}{% endif %}{{ m | tojson }}"
        + "{% endfor %}|{{ messages[-1] | tojson(indent=2) }}|{{ messages[1:] | length }}|{% set ns = namespace(n=0) %}"
        + "{% for m in messages %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}", "", "");
    assertThat(t.render(List.of(new Message("user", "say \"hi\"\n"), new Message("assistant", "été")), false))
        .isEqualTo("{\"role\": \"user\", \"content\": \"say \\\"hi\\\"\\n\"}|{\n  \"role\": \"assistant\",\n"
            + "  \"content\": \"été\"\n}|1|2");
  }

  @Test
  void read_findsTheTemplateAndTokenStrings_inTokenizerConfigOrJinjaFile(@TempDir Path dir) throws IOException {
    assertThat(ChatTemplate.read(dir)).isEmpty();
    HfCheckpoints.writeLlama3(dir, 1);
    var t = ChatTemplate.read(dir).orElseThrow();
    assertThat(t.render(List.of(new Message("user", "Hi")), false)).startsWith("<|begin_of_text|><|start_header_id|>user");
    Files.writeString(dir.resolve(ChatTemplate.JINJA_FILE), "[{{ messages[0]['content'] }}]{{ eos_token }}\n");
    assertThat(ChatTemplate.read(dir).orElseThrow().render(List.of(new Message("user", "Hi")), false)).isEqualTo("[Hi]<|eot_id|>");
  }

  @Test
  void llama2_usesPythonStringMethods_andRendersAsJinja2Does() {
    // meta-llama/Llama-2-7b-chat-hf's template
    String llama2 = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = "
        + "messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}"
        + "{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
        + "{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + "
        + "'\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}"
        + "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
        + "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";
    var t = ChatTemplate.of(llama2, "<s>", "</s>");
    assertThat(t.render(List.of(new Message("system", "Be brief."), new Message("user", " Hi "),
        new Message("assistant", "Hello! "), new Message("user", "Bye")), true))
        // strip() trims the whole turn: the space before "Hi" is inside it and stays, as in Python
        .isEqualTo("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\n Hi [/INST] Hello! </s><s>[INST] Bye [/INST]");
  }

  @Test
  void pythonStringMethods_behaveAsInPython() {
    var t = ChatTemplate.of("{{ messages[0].content.split('</think>')[-1].lstrip('\\n') }}|{{ 'a  b c'.split() | length }}|"
        + "{{ 'a,b,,c'.split(',', 2) | tojson }}|{{ 'xxhixx'.strip('x') }}|{{ 'system'.startswith('sys') }}|"
        + "{{ 'hello world'.title() }}|{{ '-'.join(['a', 'b']) }}|{{ 'abc'.endswith(['x', 'c']) }}", "", "");
    assertThat(t.render(List.of(new Message("assistant", "<think>hmm</think>\n\nParis")), false))
        .isEqualTo("Paris|3|[\"a\", \"b\", \",c\"]|hi|true|Hello World|a-b|true");
  }

  @Test
  void anUnknownMethod_failsNamingIt() {
    var t = ChatTemplate.of("{{ messages[0].content.casefold() }}", "", "");
    assertThatThrownBy(() -> t.render(List.of(new Message("user", "x")), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("casefold");
  }
}
