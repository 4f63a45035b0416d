package dev.bursar.backends.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.bursar.backends.djl.ChatTemplate.Message;
import dev.bursar.backends.djl.internal.LlamaConfig;
import dev.bursar.backends.djl.internal.LlamaModel;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Hugging Face checkpoint directory through DjlBackend: sharded BF16 weights, template, generation config. */
final class HfCheckpointTest {
  private static final List<Message> CHAT =
      List.of(new Message("system", "You are a helpful assistant."), new Message("user", "what is the capital of France?"));

  private static List<Generation> greedy(DjlBackend b, String prompt, int max) {
    return b.generate(new GenerationRequest(prompt, 1, max, Sampling.GREEDY, List.of(), 0, Map.of()), TokenListener.NONE);
  }

  /** The next token the model itself prefers after {@code ids}. */
  private static int argmaxNext(LlamaConfig c, Path dir, int[] ids) {
    try (LlamaModel m = LlamaModel.load(c, dir, Device.cpu()); NDManager nd = NDManager.newBaseManager()) {
      float[] logits = m.forward(LlamaModel.ids(nd, new int[][] {ids}), 0, null, 0, true).logits().toFloatArray();
      int best = 0;
      for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
      return best;
    }
  }

  @Test
  void llama3Checkpoint_rendersItsTemplate_encodesOneBos_andDecodesTheModelsOwnChoice(@TempDir Path dir) throws Exception {
    HfCheckpoints.writeLlama3(dir, 5);
    try (DjlBackend b = DjlBackend.builder().modelDirectory(dir).device(Device.cpu()).build()) {
      assertThat(b.arithmeticVocabulary()).isFalse();
      assertThat(b.eosTokens()).containsExactlyInAnyOrder(HfCheckpoints.LLAMA3_END_OF_TEXT, HfCheckpoints.LLAMA3_EOT);
      assertThat(b.generationDefaults().sampling()).isEqualTo(new Sampling(0.6, 0.9, 50, 0));
      assertThat(b.generationDefaults().maxNewTokens()).isEqualTo(24);
      String prompt = b.chatTemplate().orElseThrow().render(CHAT, true);
      int[] ids = b.encode(prompt);
      assertThat(ids[0]).isEqualTo(HfCheckpoints.LLAMA3_BOS);
      assertThat(ids[1]).isNotEqualTo(HfCheckpoints.LLAMA3_BOS);
      Generation g = greedy(b, prompt, 1).getFirst();
      // the tokenizer's post-processor adds <|begin_of_text|> too; the template's own is the only one kept
      assertThat(g.inputTokens()).isEqualTo(ids.length);
      int expected = argmaxNext(b.config(), dir, ids);
      var detailed = b.generateDetailed(new GenerationRequest(prompt, 1, 1, Sampling.GREEDY, List.of(), 0, Map.of()),
          TokenListener.NONE).getFirst();
      assertThat(detailed.tokenIds()).containsExactly(expected);
      assertThat(g.text()).isEqualTo(b.decode(new int[] {expected}));
      // a chat model's text leaves special tokens out
      assertThat(b.decode(new int[] {HfCheckpoints.LLAMA3_BOS, 6 + HfCheckpoints.WORDS.indexOf("hello")})).isEqualTo("hello");
    }
  }

  @Test
  void generationConfigEosTokens_endTheSequence(@TempDir Path dir) throws Exception {
    HfCheckpoints.writeLlama3(dir, 5);
    String prompt;
    int first;
    try (DjlBackend b = DjlBackend.builder().modelDirectory(dir).device(Device.cpu()).build()) {
      prompt = b.chatTemplate().orElseThrow().render(CHAT, true);
      first = argmaxNext(b.config(), dir, b.encode(prompt));
    }
    // make the model's greedy choice an end token in generation_config.json only
    Files.writeString(dir.resolve(GenerationDefaults.FILE), "{\"eos_token_id\": [1, " + first + "]}");
    try (DjlBackend b = DjlBackend.builder().modelDirectory(dir).device(Device.cpu()).build()) {
      Generation g = greedy(b, prompt, 10).getFirst();
      assertThat(g.finish()).isEqualTo(FinishReason.EOS);
      assertThat(g.outputTokens()).isEqualTo(1);
      assertThat(g.text()).isEmpty();
    }
  }

  @Test
  void qwen2Checkpoint_withBiasesAndTiedHead_generates(@TempDir Path dir) {
    HfCheckpoints.writeQwen2(dir, 6);
    try (DjlBackend b = DjlBackend.builder().modelDirectory(dir).device(Device.cpu()).build()) {
      String prompt = b.chatTemplate().orElseThrow().render(CHAT, true);
      assertThat(prompt).startsWith("<|im_start|>system\nYou are a helpful assistant.<|im_end|>");
      Generation g = b.generate(new GenerationRequest(prompt, 2, 6, new Sampling(0.7, 0.8, 20, 3), List.of(), 0, Map.of()),
          TokenListener.NONE).getFirst();
      assertThat(g.outputTokens()).isBetween(1, 6);
      assertThat(g.inputTokens()).isEqualTo(b.encode(prompt).length);
      assertThat(b.eosTokens()).containsExactlyInAnyOrder(2, 0);
    }
  }

  @Test
  void arithmeticCheckpoint_isRecognised_andHasNoTemplate(@TempDir Path dir) {
    TinyModels.write(dir, TinyModels.config(true), 1);
    try (DjlBackend b = DjlBackend.builder().modelDirectory(dir).device(Device.cpu()).build()) {
      assertThat(b.arithmeticVocabulary()).isTrue();
      assertThat(b.chatTemplate()).isEmpty();
      assertThat(b.generationDefaults()).isEqualTo(GenerationDefaults.NONE);
    }
  }
}
