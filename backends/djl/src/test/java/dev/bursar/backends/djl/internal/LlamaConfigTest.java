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

  private static final String LLAMA31 = """
      {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "bos_token_id": 128000,
       "eos_token_id": [128001, 128008, 128009], "head_dim": 64, "hidden_act": "silu", "hidden_size": 2048,
       "intermediate_size": 8192, "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
       "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8, "pretraining_tp": 1,
       "rms_norm_eps": 1e-05, "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
       "original_max_position_embeddings": 8192, "rope_type": "llama3"}, "rope_theta": 500000.0,
       "tie_word_embeddings": true, "torch_dtype": "bfloat16", "vocab_size": 128256}""";

  @Test
  void parse_llama32Config_readsRopeScalingHeadDimBosAndEosList() throws Exception {
    LlamaConfig c = LlamaConfig.parse(JSON.readTree(LLAMA31));
    assertThat(c.ropeScaling()).isEqualTo(new RopeScaling(32, 1, 4, 8192));
    assertThat(c.headDim()).isEqualTo(64);
    assertThat(c.bosTokenId()).isEqualTo(128000);
    assertThat(c.eosTokenIds()).containsExactly(128001, 128008, 128009);
    assertThat(c.attentionBias()).isFalse();
    assertThat(c.parameterCount()).isEqualTo(1_235_814_400L); // Llama-3.2-1B's published count
  }

  @Test
  void parse_qwen2_hasQkvBiasesButNoOutputBias() throws Exception {
    LlamaConfig c = LlamaConfig.parse(JSON.readTree("""
        {"model_type":"qwen2","hidden_size":64,"intermediate_size":128,"num_hidden_layers":1,"num_attention_heads":4,
         "num_key_value_heads":2,"vocab_size":10,"use_sliding_window":false,"sliding_window":4096}"""));
    assertThat(c.attentionBias()).isTrue();
    assertThat(c.outputBias()).isFalse();
  }

  @Test
  void parse_unsupportedFeatures_failSayingWhat() throws Exception {
    String base = "\"hidden_size\":64,\"intermediate_size\":128,\"num_hidden_layers\":1,\"num_attention_heads\":4,\"vocab_size\":10";
    assertThatThrownBy(() -> LlamaConfig.parse(JSON.readTree("{" + base + ",\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4}}")))
        .hasMessage("config.json: rope_scaling type 'yarn' is not supported (only llama3)");
    assertThatThrownBy(() -> LlamaConfig.parse(JSON.readTree("{" + base + ",\"rope_scaling\":{\"type\":\"linear\",\"factor\":2}}")))
        .hasMessageContaining("rope_scaling type 'linear' is not supported");
    assertThatThrownBy(() -> LlamaConfig.parse(JSON.readTree("{\"model_type\":\"qwen2_moe\"," + base + "}")))
        .hasMessageContaining("model_type 'qwen2_moe' is not supported (supported: llama, qwen2)");
    assertThatThrownBy(() -> LlamaConfig.parse(JSON.readTree("{" + base + ",\"num_local_experts\":8}")))
        .hasMessageContaining("mixture of experts (num_local_experts=8) is not supported");
    assertThatThrownBy(() -> LlamaConfig.parse(JSON.readTree("{\"model_type\":\"qwen2\"," + base + ",\"use_sliding_window\":true}")))
        .hasMessageContaining("sliding window attention (use_sliding_window=true) is not supported");
    assertThatThrownBy(() -> LlamaConfig.parse(JSON.readTree("{" + base + ",\"hidden_act\":\"gelu\"}")))
        .hasMessageContaining("hidden_act 'gelu' is not supported");
  }

  @Test
  void writeThenRead_roundTripsTheNewFields(@TempDir Path dir) {
    LlamaConfig c = new LlamaConfig(32, 48, 2, 4, 2, 36, 1e-5, 5e5, 256, false, "llama", java.util.List.of(1, 4), 16,
        new RopeScaling(8, 1, 4, 32), true, 0);
    c.write(dir.resolve("config.json"));
    assertThat(LlamaConfig.read(dir.resolve("config.json"))).isEqualTo(c);
  }
}
