package dev.bursar.backends.djl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bursar.backends.djl.internal.LlamaConfig;
import dev.bursar.controller.Sampling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The sampling a checkpoint's authors recommend, from its {@code generation_config.json}, used when
 * a request does not say. As in transformers: without {@code do_sample: true} decoding is greedy;
 * when sampling, {@code temperature} and {@code top_p} default to 1 and {@code top_k} to 50.
 * {@code max_length}, {@code repetition_penalty} and the other knobs are not read.
 *
 * @param maxNewTokens the cap on generated tokens, or null when the file does not give one
 * @param eosTokenIds tokens that end a generation besides {@code config.json}'s (Llama 3.1 lists three)
 */
public record GenerationDefaults(Sampling sampling, @Nullable Integer maxNewTokens, List<Integer> eosTokenIds) {
  /** The file's name in a checkpoint directory. */
  public static final String FILE = "generation_config.json";
  /** What a checkpoint without the file gets: greedy, no cap of its own, no extra end tokens. */
  public static final GenerationDefaults NONE = new GenerationDefaults(Sampling.GREEDY, null, List.of());

  private static final ObjectMapper JSON = new ObjectMapper();

  public GenerationDefaults {
    eosTokenIds = List.copyOf(eosTokenIds);
    if (maxNewTokens != null && maxNewTokens < 1) throw new IllegalArgumentException("max_new_tokens must be >= 1, was " + maxNewTokens);
  }

  /** {@return the defaults in {@code dir}'s generation_config.json, or {@link #NONE} when it has none} */
  public static GenerationDefaults read(Path dir) {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) return NONE;
    try {
      return parse(JSON.readTree(f.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
    }
  }

  static GenerationDefaults parse(JsonNode n) {
    Sampling s = Sampling.GREEDY;
    if (n.path("do_sample").asBoolean(false)) {
      s = new Sampling(n.path("temperature").asDouble(1.0), n.path("top_p").asDouble(1.0), n.path("top_k").asInt(50), 0);
    }
    JsonNode max = n.get("max_new_tokens");
    return new GenerationDefaults(s, max != null && max.isInt() ? max.asInt() : null, LlamaConfig.tokenIds(n.get("eos_token_id")));
  }
}
