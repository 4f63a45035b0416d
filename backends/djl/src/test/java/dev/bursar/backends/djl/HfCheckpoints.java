package dev.bursar.backends.djl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bursar.backends.djl.internal.LlamaConfig;
import dev.bursar.backends.djl.internal.LlamaModel;
import dev.bursar.backends.djl.internal.RopeScaling;
import dev.bursar.backends.djl.internal.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Tiny random checkpoints in the Hugging Face layout, written as the hub ships them: a hand-written
 * config.json (Llama 3.1 style with llama3 rope_scaling and an explicit head_dim, or Qwen2 with
 * q/k/v biases and a tied head), BF16 weights in shards with model.safetensors.index.json, a
 * WordLevel tokenizer.json with the family's special tokens, tokenizer_config.json with the real
 * chat template, and generation_config.json.
 */
public final class HfCheckpoints {
  private HfCheckpoints() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Meta-Llama-3-8B-Instruct's chat template, as published in its tokenizer_config.json. */
  public static final String LLAMA3_TEMPLATE = "{% set loop_messages = messages %}{% for message in loop_messages %}"
      + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim"
      + " + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
      + "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

  /** Qwen2-0.5B-Instruct's chat template, as published in its tokenizer_config.json. */
  public static final String QWEN2_TEMPLATE = "{% for message in messages %}{% if loop.first and messages[0]['role'] != "
      + "'system' %}{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + "
      + "message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}"
      + "{{ '<|im_start|>assistant\n' }}{% endif %}";

  public static final List<String> LLAMA3_SPECIALS =
      List.of("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "[UNK]");
  public static final List<String> QWEN2_SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "[UNK]");

  /** Plain words after the special tokens. */
  public static final List<String> WORDS = List.of("system", "user", "assistant", "You", "are", "a", "helpful", "terse",
      ".", ",", "?", "!", "Hi", "hello", "there", "what", "is", "the", "capital", "of", "France", "Paris", "answer",
      "I", "think", "it", "yes", "no", "and", "to");

  public static final int LLAMA3_BOS = 0;
  public static final int LLAMA3_EOT = 4;
  public static final int LLAMA3_END_OF_TEXT = 1;

  /** Llama 3.1 in miniature: head_dim 16 (not hidden/heads = 8), llama3 rope scaling, untied head. */
  public static LlamaConfig llama3Config() {
    return new LlamaConfig(32, 48, 2, 4, 2, LLAMA3_SPECIALS.size() + WORDS.size(), 1e-5, 500_000, 256, false, "llama",
        List.of(LLAMA3_END_OF_TEXT), 16, new RopeScaling(8, 1, 4, 32), false, LLAMA3_BOS);
  }

  /** Qwen2 in miniature: q/k/v biases, tied head, two end tokens. */
  public static LlamaConfig qwen2Config() {
    return new LlamaConfig(32, 48, 2, 4, 1, QWEN2_SPECIALS.size() + WORDS.size(), 1e-6, 1_000_000, 256, true, "qwen2",
        List.of(2, 0), 8, null, true, -1);
  }

  /**
   * {@return random weights for {@code c}}, already rounded to BF16 so that they read back exactly:
   * normal(0, std) matrices and biases, norm weights near one
   */
  public static Map<String, SafeTensors.FloatTensor> weights(LlamaConfig c, long seed, double std) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, SafeTensors.FloatTensor> out = new LinkedHashMap<>();
    for (var e : LlamaModel.parameterShapes(c).entrySet()) {
      long n = 1;
      for (long d : e.getValue()) n *= d;
      float[] data = new float[(int) n];
      boolean norm = e.getKey().endsWith("norm.weight");
      for (int i = 0; i < data.length; i++) {
        double v = norm ? 1 + 0.1 * rnd.nextGaussian() : std * rnd.nextGaussian();
        data[i] = SafeTensors.roundToBf16((float) v);
      }
      out.put(e.getKey(), new SafeTensors.FloatTensor(e.getValue(), data));
    }
    return out;
  }

  /** Writes {@code weights} as {@code shards} files of {@code dtype} and the index that maps every tensor to its file. */
  public static void writeSharded(Path dir, Map<String, SafeTensors.FloatTensor> weights, int shards, String dtype) {
    List<String> names = new ArrayList<>(weights.keySet());
    ObjectNode index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", 0);
    ObjectNode map = index.putObject("weight_map");
    for (int s = 0; s < shards; s++) {
      String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
      Map<String, SafeTensors.FloatTensor> part = new LinkedHashMap<>();
      for (int i = s; i < names.size(); i += shards) {
        part.put(names.get(i), weights.get(names.get(i)));
        map.put(names.get(i), file);
      }
      SafeTensors.write(dir.resolve(file), part, dtype);
    }
    write(dir.resolve("model.safetensors.index.json"), index.toPrettyString());
  }

  /** A Llama-3.1-style checkpoint in {@code dir}: 2 BF16 shards, llama3 rope scaling, Llama-3 template. */
  public static Path writeLlama3(Path dir, long seed) {
    LlamaConfig c = llama3Config();
    write(dir.resolve("config.json"), """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "attention_bias": false, "mlp_bias": false,
         "hidden_act": "silu", "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "vocab_size": %d,
         "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "max_position_embeddings": 256, "tie_word_embeddings": false,
         "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                          "original_max_position_embeddings": 32, "rope_type": "llama3"},
         "bos_token_id": 0, "eos_token_id": 1, "torch_dtype": "bfloat16", "pretraining_tp": 1}
        """.formatted(c.vocabSize()));
    write(dir.resolve("generation_config.json"), """
        {"bos_token_id": 0, "do_sample": true, "eos_token_id": [1, 4], "temperature": 0.6, "top_p": 0.9,
         "max_new_tokens": 24}
        """);
    write(dir.resolve("tokenizer_config.json"), tokenizerConfig(LLAMA3_TEMPLATE, "<|begin_of_text|>", "<|eot_id|>"));
    write(dir.resolve("tokenizer.json"), tokenizerJson(LLAMA3_SPECIALS, "<|begin_of_text|>"));
    writeSharded(dir, weights(c, seed, 0.3), 2, "BF16");
    return dir;
  }

  /** A Qwen2-style checkpoint in {@code dir}: 3 BF16 shards, q/k/v biases, tied head, Qwen2 template. */
  public static Path writeQwen2(Path dir, long seed) {
    LlamaConfig c = qwen2Config();
    write(dir.resolve("config.json"), """
        {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_act": "silu", "hidden_size": 32,
         "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 1,
         "vocab_size": %d, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "max_position_embeddings": 256,
         "tie_word_embeddings": true, "use_sliding_window": false, "sliding_window": 32768, "max_window_layers": 21,
         "rope_scaling": null, "bos_token_id": 0, "eos_token_id": [2, 0], "torch_dtype": "bfloat16"}
        """.formatted(c.vocabSize()));
    write(dir.resolve("generation_config.json"), """
        {"bos_token_id": 0, "do_sample": true, "eos_token_id": [2, 0], "repetition_penalty": 1.1,
         "temperature": 0.7, "top_p": 0.8, "top_k": 20}
        """);
    write(dir.resolve("tokenizer_config.json"), tokenizerConfig(QWEN2_TEMPLATE, null, "<|im_end|>"));
    write(dir.resolve("tokenizer.json"), tokenizerJson(QWEN2_SPECIALS, null));
    writeSharded(dir, weights(c, seed, 0.3), 3, "BF16");
    return dir;
  }

  private static String tokenizerConfig(String template, String bos, String eos) {
    ObjectNode n = JSON.createObjectNode();
    n.put("tokenizer_class", "PreTrainedTokenizerFast");
    if (bos == null) n.putNull("bos_token");
    else n.putObject("bos_token").put("__type", "AddedToken").put("content", bos).put("special", true);
    n.put("eos_token", eos);
    n.put("chat_template", template);
    return n.toPrettyString();
  }

  /**
   * A WordLevel tokenizer.json: the special tokens as added tokens (ids first), then {@link #WORDS},
   * split on whitespace and punctuation; with a {@code bos}, a post-processor that prepends it.
   */
  public static String tokenizerJson(List<String> specials, String bos) {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", "1.0");
    n.putNull("truncation");
    n.putNull("padding");
    ArrayNode added = n.putArray("added_tokens");
    ObjectNode vocab = JSON.createObjectNode();
    int id = 0;
    for (String s : specials) {
      added.addObject().put("id", id).put("content", s).put("single_word", false).put("lstrip", false)
          .put("rstrip", false).put("normalized", false).put("special", true);
      vocab.put(s, id++);
    }
    for (String w : WORDS) vocab.put(w, id++);
    n.putNull("normalizer");
    n.putObject("pre_tokenizer").put("type", "Whitespace");
    if (bos == null) {
      n.putNull("post_processor");
    } else {
      ObjectNode p = n.putObject("post_processor");
      p.put("type", "TemplateProcessing");
      p.putArray("single").addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
      p.withArray("single").addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
      p.putArray("pair").addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
      p.withArray("pair").addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
      p.withArray("pair").addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
      ObjectNode st = p.putObject("special_tokens").putObject(bos);
      st.put("id", bos);
      st.putArray("ids").add(specials.indexOf(bos));
      st.putArray("tokens").add(bos);
    }
    n.putNull("decoder");
    ObjectNode model = n.putObject("model");
    model.put("type", "WordLevel");
    model.set("vocab", vocab);
    model.put("unk_token", "[UNK]");
    return n.toPrettyString();
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
