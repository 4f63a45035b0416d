package dev.bursar.backends.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TokenLogprobsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode fixture(String name) throws IOException {
    try (InputStream in = TokenLogprobsTest.class.getResourceAsStream("/logprobs/" + name)) {
      return JSON.readTree(in);
    }
  }

  @Test
  void parse_vllmChat_readsEveryTokenWithItsTopK() throws IOException {
    List<TokenLogprobs.Entry> e = TokenLogprobs.parse(fixture("vllm-chat.json").at("/choices/0/logprobs"));
    assertThat(e).extracting(TokenLogprobs.Entry::token).containsExactly("The", " answer", " is", " 92", ".");
    assertThat(e.get(3).logprob()).isEqualTo(-0.0151);
    assertThat(e.get(3).top()).containsExactly(-0.0151, -4.2);
    assertThat(e.get(3).confidence()).isCloseTo((0.0151 + 4.2) / 2, within(1e-9));
  }

  @Test
  void parse_vllmCompletions_readsTheLegacyArraysAndTopDicts() throws IOException {
    List<TokenLogprobs.Entry> e = TokenLogprobs.parse(fixture("vllm-completions.json").at("/choices/0/logprobs"));
    assertThat(e).extracting(TokenLogprobs.Entry::token).containsExactly(" 25", "*", "3", "=", "75", "\n");
    assertThat(e.get(4).logprob()).isEqualTo(-0.09);
    assertThat(e.get(4).top()).containsExactlyInAnyOrder(-0.09, -3.3);
  }

  @Test
  void parse_sglangChat_readsTheOpenAiShape() throws IOException {
    List<TokenLogprobs.Entry> e = TokenLogprobs.parse(fixture("sglang-chat.json").at("/choices/0/logprobs"));
    assertThat(e).singleElement().satisfies(t -> {
      assertThat(t.token()).isEqualTo("92");
      assertThat(t.logprob()).isEqualTo(-0.0021);
    });
  }

  @Test
  void parse_llamaCppChat_ignoresIdsAndBytes() throws IOException {
    List<TokenLogprobs.Entry> e = TokenLogprobs.parse(fixture("llamacpp-chat.json").at("/choices/0/logprobs"));
    assertThat(e).extracting(TokenLogprobs.Entry::logprob).containsExactly(-0.71, -0.05, -0.33);
    assertThat(e.get(0).top()).containsExactly(-0.71, -1.02);
  }

  @Test
  void parse_llamaCppOldNative_turnsProbabilitiesIntoLogs() throws IOException {
    List<TokenLogprobs.Entry> e = TokenLogprobs.parse(fixture("llamacpp-native-old.json").get("completion_probabilities"));
    assertThat(e).extracting(TokenLogprobs.Entry::token).containsExactly(" 92", "\n");
    assertThat(e.get(0).logprob()).isCloseTo(Math.log(0.9512), within(1e-12));
    assertThat(e.get(1).top()).containsExactly(Math.log(0.8), Math.log(0.15));
  }

  @Test
  void parse_ollamaNative_readsTheBareArray() throws IOException {
    List<TokenLogprobs.Entry> e = TokenLogprobs.parse(fixture("ollama-native-chat.json").get("logprobs"));
    assertThat(e).extracting(TokenLogprobs.Entry::token).containsExactly("Hi", "!");
    assertThat(e.get(1).top()).containsExactly(-0.6, -0.9);
  }

  @Test
  void parse_absentOrOddNodes_giveNoTokens() throws IOException {
    assertThat(TokenLogprobs.parse(null)).isEmpty();
    assertThat(TokenLogprobs.parse(JSON.readTree("null"))).isEmpty();
    assertThat(TokenLogprobs.parse(JSON.readTree("42"))).isEmpty();
    assertThat(TokenLogprobs.parse(JSON.readTree("{\"content\":null}"))).isEmpty();
  }
}
