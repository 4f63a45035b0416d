package dev.bursar.backends.djl;

import dev.bursar.arithmetic.*;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {

  private static final CharTokenizer TOK = CharTokenizer.INSTANCE;

  @Test
  void idsAreFixed() {
    assertThat(Vocabulary.SIZE).isEqualTo(27);
    assertThat(Vocabulary.TOKENS.subList(0, 6))
        .containsExactly("<pad>", "<bos>", "<eos>", "<unk>", "<think>", "</think>");
    assertThat(Vocabulary.id("0")).isEqualTo(6);
    assertThat(Vocabulary.id("\n")).isEqualTo(26);
    assertThat(Vocabulary.id("?")).isEqualTo(Vocabulary.UNK_ID);
    assertThat(Vocabulary.TOKENS).doesNotHaveDuplicates();
  }

  @Test
  void coversEveryCharacterTheTaskGenerates() {
    var data = TrainingExamples.create(1, TrainingExamples.Mix.uniform(0.5));
    for (int i = 0; i < 3000; i++) {
      TrainingExample ex = data.next();
      int[] ids = TOK.encode(ex.text());
      assertThat(ids).doesNotContain(Vocabulary.UNK_ID, Vocabulary.PAD_ID, Vocabulary.BOS_ID);
      assertThat(TOK.decode(ids)).isEqualTo(ex.text());
      assertThat(ids[ids.length - 1]).isEqualTo(Vocabulary.EOS_ID);
    }
  }

  @Test
  void specialTokensAreSingleTokens() {
    int[] ids = TOK.encode("Q:1+2\n<think>1+2=3\n</think>A:3\n<eos>");
    assertThat(ids).containsSubsequence(Vocabulary.THINK_OPEN_ID, Vocabulary.id("1"));
    assertThat(Arrays.stream(ids).filter(i -> i == Vocabulary.THINK_OPEN_ID).count()).isEqualTo(1);
    assertThat(ids).contains(Vocabulary.THINK_CLOSE_ID, Vocabulary.EOS_ID);
    assertThat(ids).hasSize("Q:1+2\n".length() + 1 + "1+2=3\n".length() + 1 + "A:3\n".length() + 1);
    assertThat(TOK.encodeWithBos("1")).containsExactly(Vocabulary.BOS_ID, Vocabulary.id("1"));
    assertThat(TOK.decode(TOK.encode("<think>1\n</think>A:1<eos>"), true)).isEqualTo("1\nA:1");
    assertThat(TOK.encode("<thin>")).containsExactly(3, 3, 3, 3, 3, 3);
    assertThat(TOK.encode("é")).containsExactly(Vocabulary.UNK_ID);
  }

  @Test
  void tokenizerJsonHasTheStructureHuggingFaceExpects() throws Exception {
    JsonNode root = new ObjectMapper().readTree(Vocabulary.tokenizerJson());
    assertThat(root.get("version").asText()).isEqualTo("1.0");
    assertThat(root.get("normalizer").isNull()).isTrue();
    assertThat(root.has("pre_tokenizer")).isTrue();
    assertThat(root.get("post_processor").isNull()).isTrue();
    assertThat(root.get("decoder").get("type").asText()).isEqualTo("Fuse");
    JsonNode model = root.get("model");
    assertThat(model.get("type").asText()).isEqualTo("BPE");
    assertThat(model.get("unk_token").asText()).isEqualTo("<unk>");
    assertThat(model.get("merges")).isEmpty();
    assertThat(model.get("vocab").size()).isEqualTo(Vocabulary.SIZE);
    for (int id = 0; id < Vocabulary.SIZE; id++) {
      assertThat(model.get("vocab").get(Vocabulary.token(id)).asInt()).isEqualTo(id);
    }
    JsonNode added = root.get("added_tokens");
    assertThat(added).hasSize(6);
    for (JsonNode t : added) {
      assertThat(t.get("special").asBoolean()).isTrue();
      assertThat(Vocabulary.id(t.get("content").asText())).isEqualTo(t.get("id").asInt());
    }
  }

  @Test
  void huggingFaceTokenizerEncodesLikeCharTokenizer(@TempDir Path dir) throws Exception {
    Path file = Vocabulary.writeTokenizerJson(dir.resolve("tokenizer.json"));
    List<String> texts =
        List.of(
            "Q:17+25*3\n",
            "Q:17+25*3\n<think>25*3=75;17+75\n17+75=92\n</think>A:92\n<eos>",
            "<bos>Q:(3+4*2)*5\n<think>",
            "</think>A:",
            "A:9?x<pad><unk>",
            ArithmeticTask.generate(3L, Bucket.HARDEST).text());
    try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file)) {
      for (String text : texts) {
        Encoding enc = hf.encode(text, false, false);
        int[] ids = Arrays.stream(enc.getIds()).mapToInt(Math::toIntExact).toArray();
        assertThat(ids).as(text).containsExactly(TOK.encode(text));
        assertThat(hf.decode(enc.getIds(), false)).as(text).isEqualTo(TOK.decode(ids));
      }
      assertThat(hf.encode("<think>", false, false).getIds()).containsExactly(Vocabulary.THINK_OPEN_ID);
      assertThat(hf.encode("Q:1+2\n").getIds()).containsExactly(
          Vocabulary.id("Q"), Vocabulary.id(":"), Vocabulary.id("1"), Vocabulary.id("+"),
          Vocabulary.id("2"), Vocabulary.id("\n"));
    }
  }
}
