package dev.bursar.backends.djl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bursar.controller.Sampling;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class GenerationDefaultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void llama31Instruct_samplesWithTransformersDefaultTopK() throws Exception {
    var g = GenerationDefaults.parse(JSON.readTree("""
        {"bos_token_id": 128000, "do_sample": true, "eos_token_id": [128001, 128008, 128009],
         "temperature": 0.6, "top_p": 0.9, "transformers_version": "4.42.3"}"""));
    assertThat(g.sampling()).isEqualTo(new Sampling(0.6, 0.9, 50, 0));
    assertThat(g.eosTokenIds()).containsExactly(128001, 128008, 128009);
    assertThat(g.maxNewTokens()).isNull();
  }

  @Test
  void withoutDoSample_isGreedy_andReadsMaxNewTokensAndASingleEos() throws Exception {
    var g = GenerationDefaults.parse(JSON.readTree("{\"temperature\": 0.7, \"max_new_tokens\": 64, \"eos_token_id\": 2}"));
    assertThat(g.sampling()).isEqualTo(Sampling.GREEDY);
    assertThat(g.maxNewTokens()).isEqualTo(64);
    assertThat(g.eosTokenIds()).containsExactly(2);
  }

  @Test
  void read_missingFile_isNone_andQwen2FileReadsTopK(@TempDir Path dir) {
    assertThat(GenerationDefaults.read(dir)).isEqualTo(GenerationDefaults.NONE);
    HfCheckpoints.writeQwen2(dir, 1);
    assertThat(GenerationDefaults.read(dir).sampling()).isEqualTo(new Sampling(0.7, 0.8, 20, 0));
  }
}
