package dev.bursar.backends.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parser against responses the servers really sent (see {@code src/test/resources/logprobs/README.md}:
 * each fixture names its source, whether it was captured from a running server and what was trimmed).
 * The expected tokens and values are the fixtures' own, copied here so that a change to either shows.
 */
final class TokenLogprobsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode fixture(String name) throws IOException {
    try (InputStream in = TokenLogprobsTest.class.getResourceAsStream("/logprobs/" + name)) {
      assertThat(in).as(name).isNotNull();
      return JSON.readTree(in);
    }
  }

  private static List<TokenLogprobs.Entry> parse(JsonNode node) {
    return TokenLogprobs.parse(node);
  }

  private static List<Integer> topCounts(List<TokenLogprobs.Entry> e) {
    return e.stream().map(t -> t.top().length).toList();
  }

  /** The entries of every chunk of a recorded stream, in order ({@code at}: where a chunk holds its logprobs). */
  private static List<TokenLogprobs.Entry> chunks(String name, String at) throws IOException {
    List<TokenLogprobs.Entry> out = new ArrayList<>();
    for (JsonNode chunk : fixture(name).get("chunks")) out.addAll(parse(chunk.at(at)));
    return out;
  }

  @Test
  void everyFixture_namesItsSourceAndWhetherItWasRecorded() throws IOException {
    for (String name : List.of("vllm-chat.json", "vllm-completions.json", "vllm-completions-stream.json",
        "sglang-chat-stream.json", "llamacpp-chat-stream.json", "llamacpp-native-new-stream.json",
        "llamacpp-native-old.json", "llamacpp-native-old-zero-probs.json", "ollama-native-generate.json",
        "ollama-native-chat.json")) {
      JsonNode f = fixture(name);
      assertThat(f.path("_source").asText()).as(name).isNotBlank();
      assertThat(f.path("_captured").asText()).as(name).isNotBlank();
    }
  }

  @Test
  void parse_vllmChat_readsTheTokensAndTakesTheMinus9999PlaceholderAsNone() throws IOException {
    List<TokenLogprobs.Entry> e = parse(fixture("vllm-chat.json").at("/choices/0/logprobs"));
    assertThat(e).extracting(TokenLogprobs.Entry::token).containsExactly("{", "}", "");
    assertThat(e.get(0).logprob()).isEqualTo(-0.03710511326789856);
    assertThat(e.get(1).logprob()).isEqualTo(0.0);
    // vLLM sent {"token":"","logprob":-9999.0,"top_logprobs":[]} for the end-of-sequence token: no value, not a logprob.
    assertThat(e.get(2).logprob()).isNaN();
    assertThat(topCounts(e)).as("top_logprobs=2 was asked; vLLM gave fewer where it had fewer").containsExactly(2, 1, 0);
    assertThat(e.get(0).top()).containsExactly(-0.03710511326789856, -3.312495708465576);
    assertThat(e.get(0).confidence()).isCloseTo((0.03710511326789856 + 3.312495708465576) / 2, within(1e-12));
    assertThat(e.get(2).confidence()).as("not 9999").isNaN();
  }

  @Test
  void parse_vllmCompletionsWithEcho_readsTheLegacyArraysWithTheirNullFirstEntry() throws IOException {
    List<TokenLogprobs.Entry> e = parse(fixture("vllm-completions.json").at("/choices/0/logprobs"));
    assertThat(e).extracting(TokenLogprobs.Entry::token).containsExactly("The", " step", " of", " boiling");
    assertThat(e.get(0).logprob()).as("the first prompt token has null").isNaN();
    assertThat(e.get(0).top()).isEmpty();
    assertThat(e.subList(1, 4)).extracting(TokenLogprobs.Entry::logprob)
        .containsExactly(-8.818763732910156, -1.552642822265625, -13.55989933013916);
    // logprobs=5, and vLLM adds the sampled token to the dict when it is not among the 5: six entries then.
    assertThat(topCounts(e)).containsExactly(0, 6, 5, 6);
    assertThat(e.get(1).top()).containsExactly(-8.818763732910156, -0.7875133752822876, -1.9750133752822876,
        -2.600013256072998, -4.100013256072998, -4.350013256072998);
  }

  @Test
  void parse_vllmCompletionsStreamChunk_readsOneTokenAndItsFiveAlternatives() throws IOException {
    List<TokenLogprobs.Entry> e = parse(fixture("vllm-completions-stream.json").at("/choices/0/logprobs"));
    assertThat(e).singleElement().satisfies(t -> {
      assertThat(t.token()).isEqualTo("7");
      assertThat(t.logprob()).isEqualTo(-0.000024199192921514623);
      assertThat(t.top()).containsExactly(-0.000024199192921514623, -11.37502384185791, -11.93752384185791,
          -12.37502384185791, -14.18752384185791);
    });
  }

  @Test
  void parse_sglangChatStream_raisesMaskedAlternativesToTheFloor() throws IOException {
    List<TokenLogprobs.Entry> e = parse(fixture("sglang-chat-stream.json").at("/choices/0/logprobs"));
    assertThat(e).singleElement().satisfies(t -> {
      assertThat(t.token()).isEqualTo("Hello");
      assertThat(t.logprob()).isEqualTo(0.0);
      // SGLang sent -3.4028234663852886e+38 for the alternatives its sampler masked out.
      assertThat(t.top()).containsExactly(0.0, TokenLogprobs.FLOOR, TokenLogprobs.FLOOR);
      assertThat(t.confidence()).isCloseTo(-2 * TokenLogprobs.FLOOR / 3, within(1e-9));
    });
  }

  @Test
  void parse_llamaCppChatStream_readsEachChunksTokenAndIgnoresIdsAndBytes() throws IOException {
    JsonNode f = fixture("llamacpp-chat-stream.json");
    List<TokenLogprobs.Entry> e = chunks("llamacpp-chat-stream.json", "/choices/0/logprobs");
    assertThat(e).extracting(TokenLogprobs.Entry::token).containsExactly("овые", " щ", "ё");
    assertThat(e).extracting(TokenLogprobs.Entry::logprob)
        .containsExactly(-1.78815535036847e-05, -6.9141628955549095e-06, -0.39498597383499146);
    assertThat(topCounts(e)).containsExactly(5, 5, 5);
    assertThat(e.get(2).top()).containsExactly(-0.39498597383499146, -1.1202590465545654, -9.130337715148926,
        -13.231945991516113, -13.925959587097168);
    // Each chunk's token is its delta's text (the streaming reader relies on it), though the
    // alternatives of " щ" are byte pieces ("\uFFFD").
    for (int i = 0; i < e.size(); i++) {
      assertThat(e.get(i).token()).isEqualTo(f.get("chunks").get(i).at("/choices/0/delta/content").asText());
    }
  }

  @Test
  void parse_llamaCppNativeStream_readsTheNewCompletionProbabilities() throws IOException {
    List<TokenLogprobs.Entry> e = chunks("llamacpp-native-new-stream.json", "/completion_probabilities");
    assertThat(e).extracting(TokenLogprobs.Entry::token).containsExactly("овые", " щ", "ё");
    assertThat(e).extracting(TokenLogprobs.Entry::logprob)
        .containsExactly(-5.9367986978031695e-05, -1.5497220147153712e-06, -0.014102671295404434);
    assertThat(topCounts(e)).as("n_probs=10").containsExactly(10, 10, 10);
    assertThat(e.get(0).top()[1]).isEqualTo(-9.755678176879883);
    assertThat(e.get(0).top()[9]).isEqualTo(-18.039216995239258);
  }

  @Test
  void parse_llamaCppOldNative_takesTheSampledTokensProbabilityWhereverItIsListed() throws IOException {
    List<TokenLogprobs.Entry> e = parse(fixture("llamacpp-native-old.json").get("completion_probabilities"));
    assertThat(e).extracting(TokenLogprobs.Entry::token).containsExactly(" to", " find", " purpose", ",");
    assertThat(e.get(0).logprob()).isCloseTo(Math.log(0.9832262396812439), within(1e-15));
    assertThat(e.get(2).logprob()).isCloseTo(Math.log(0.45737704634666443), within(1e-15));
    // "," was sampled although " and" was likelier: its own probability is the second listed.
    assertThat(e.get(3).logprob()).isCloseTo(Math.log(0.4949476420879364), within(1e-15));
    assertThat(topCounts(e)).containsExactly(3, 3, 3, 2);
    assertThat(e.get(0).top()).containsExactly(Math.log(0.9832262396812439), Math.log(0.01389230228960514),
        Math.log(0.00288143171928823));
  }

  @Test
  void parse_llamaCppOldNativeWithRoundedZeros_floorsThem() throws IOException {
    List<TokenLogprobs.Entry> e = parse(fixture("llamacpp-native-old-zero-probs.json").get("completion_probabilities"));
    assertThat(e).singleElement().satisfies(t -> {
      assertThat(t.token()).isEqualTo("овые");
      assertThat(t.logprob()).isEqualTo(0.0);
      assertThat(t.top()).hasSize(10).startsWith(0.0).containsOnly(0.0, TokenLogprobs.FLOOR);
    });
  }

  @Test
  void parse_ollamaNativeGenerateChunk_readsTheTopLevelArray() throws IOException {
    List<TokenLogprobs.Entry> e = parse(fixture("ollama-native-generate.json").get("logprobs"));
    assertThat(e).singleElement().satisfies(t -> {
      assertThat(t.token()).isEqualTo("The");
      assertThat(t.logprob()).isEqualTo(-0.8361086845397949);
      assertThat(t.top()).containsExactly(-0.8361086845397949, -1.2590975761413574, -1.2686877250671387);
    });
  }

  @Test
  void parse_ollamaNativeChat_handWritten_readsTheBareArray() throws IOException {
    List<TokenLogprobs.Entry> e = parse(fixture("ollama-native-chat.json").get("logprobs"));
    assertThat(e).extracting(TokenLogprobs.Entry::token).containsExactly("Hi", "!");
    assertThat(e.get(1).top()).containsExactly(-0.6, -0.9);
  }

  @Test
  void parse_llamacppPostSamplingProbs_handWritten_readsProbabilitiesAndTheirAlternatives() throws IOException {
    // Written by hand after llama.cpp's server source (probs_vector_to_json with post_sampling_probs):
    // no recording of this shape was found (see the fixtures' README).
    JsonNode node = JSON.readTree("""
        [{"id":13,"token":" four","bytes":[32,102,111,117,114],"prob":0.5,
          "top_probs":[{"id":13,"token":" four","bytes":[32,102,111,117,114],"prob":0.5},
                       {"id":14,"token":" 4","bytes":[32,52],"prob":0.25}]}]""");
    assertThat(parse(node)).singleElement().satisfies(t -> {
      assertThat(t.token()).isEqualTo(" four");
      assertThat(t.logprob()).isCloseTo(Math.log(0.5), within(1e-12));
      assertThat(t.top()).containsExactly(Math.log(0.5), Math.log(0.25));
    });
  }

  @Test
  void parse_absentOrOddNodes_giveNoTokens() throws IOException {
    assertThat(TokenLogprobs.parse(null)).isEmpty();
    assertThat(TokenLogprobs.parse(JSON.readTree("null"))).isEmpty();
    assertThat(TokenLogprobs.parse(JSON.readTree("42"))).isEmpty();
    assertThat(TokenLogprobs.parse(JSON.readTree("{\"content\":null}"))).isEmpty();
  }
}
