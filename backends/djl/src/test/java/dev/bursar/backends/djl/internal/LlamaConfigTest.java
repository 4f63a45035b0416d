package dev.bursar.backends.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class LlamaConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void parse_qwen2Config_readsGroupedHeadsAndEosList() throws Exception {
    String qwen = """
        {"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","hidden_size":896,"intermediate_size":4864,
         "num_hidden_layers":24,"num_attention_heads":14,"num_key_value_heads":2,"vocab_size":151936,
         "rms_norm_eps":1e-06,"rope_theta":1000000.0,"max_position_embeddings":32768,"tie_word_embeddings":true,
         "eos_token_id":[151645,151643],"rope_scaling":null}""";
    LlamaConfig c = LlamaConfig.parse(JSON.readTree(qwen));
    assertThat(c.headDim()).isEqualTo(64);
    assertThat(c.groupSize()).isEqualTo(7);
    assertThat(c.eosTokenId()).isEqualTo(151645);
    assertThat(c.ropeTheta()).isEqualTo(1e6);
    assertThat(c.tieWordEmbeddings()).isTrue();
  }

  @Test
  void writeThenRead_roundTrips(@TempDir Path dir) {
    LlamaConfig c = new LlamaConfig(64, 176, 3, 8, 2, 100, 1e-5, 5e5, 1024, false, "llama", 2);
    c.write(dir.resolve("config.json"));
    assertThat(LlamaConfig.read(dir.resolve("config.json"))).isEqualTo(c);
  }

  @Test
  void parse_missingKeyOrBadHeads_failsClearly() throws Exception {
    assertThatThrownBy(() -> LlamaConfig.parse(JSON.readTree("{\"hidden_size\":64}")))
        .hasMessageContaining("config.json: missing key num_attention_heads");
    assertThatThrownBy(() -> new LlamaConfig(64, 128, 2, 8, 3, 10, 1e-5, 1e4, 64, true, "llama", -1))
        .hasMessageContaining("num_attention_heads 8 is not a multiple of num_key_value_heads 3");
  }
}
