package dev.bursar.backends.djl.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The hyper-parameters of a Llama-family decoder, read from and written to a Hugging Face
 * {@code config.json} (Llama and Qwen2 keys).
 *
 * @param eosTokenId end-of-sequence token id, or -1 when the checkpoint names none
 */
public record LlamaConfig(
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int vocabSize,
    double rmsNormEps,
    double ropeTheta,
    int maxPositionEmbeddings,
    boolean tieWordEmbeddings,
    String modelType,
    int eosTokenId) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public LlamaConfig {
    positive("hidden_size", hiddenSize);
    positive("intermediate_size", intermediateSize);
    positive("num_hidden_layers", numHiddenLayers);
    positive("num_attention_heads", numAttentionHeads);
    positive("num_key_value_heads", numKeyValueHeads);
    positive("vocab_size", vocabSize);
    positive("max_position_embeddings", maxPositionEmbeddings);
    if (hiddenSize % numAttentionHeads != 0) {
      throw new IllegalArgumentException(
          "hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + numAttentionHeads);
    }
    if (numAttentionHeads % numKeyValueHeads != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads " + numAttentionHeads + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
    }
    if ((hiddenSize / numAttentionHeads) % 2 != 0) {
      throw new IllegalArgumentException("head dim " + hiddenSize / numAttentionHeads + " must be even for RoPE");
    }
    if (!(rmsNormEps > 0)) throw new IllegalArgumentException("rms_norm_eps must be > 0, was " + rmsNormEps);
    if (!(ropeTheta > 0)) throw new IllegalArgumentException("rope_theta must be > 0, was " + ropeTheta);
  }

  private static void positive(String key, int v) {
    if (v < 1) throw new IllegalArgumentException(key + " must be >= 1, was " + v);
  }

  /** {@return the width of one attention head} */
  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /** {@return how many query heads share one key/value head} */
  public int groupSize() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /** {@return the number of parameters, counting a tied head once} */
  public long parameterCount() {
    long d = hiddenSize;
    long kv = (long) numKeyValueHeads * headDim();
    long perLayer = d * d * 2 + d * kv * 2 + 3L * d * intermediateSize + 2 * d;
    long emb = (long) vocabSize * d;
    return emb + (tieWordEmbeddings ? 0 : emb) + perLayer * numHiddenLayers + d;
  }

  public static LlamaConfig read(Path file) {
    try {
      return parse(JSON.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  public static LlamaConfig parse(JsonNode n) {
    int hidden = req(n, "hidden_size").asInt();
    int heads = req(n, "num_attention_heads").asInt();
    if (n.has("head_dim") && n.get("head_dim").asInt() != hidden / heads) {
      throw new IllegalArgumentException(
          "config.json: head_dim " + n.get("head_dim").asInt() + " != hidden_size/num_attention_heads is not supported");
    }
    JsonNode scaling = n.get("rope_scaling");
    if (scaling != null && !scaling.isNull()) {
      throw new IllegalArgumentException("config.json: rope_scaling " + scaling + " is not supported");
    }
    int eos = -1;
    JsonNode e = n.get("eos_token_id");
    if (e != null && e.isInt()) eos = e.asInt();
    else if (e != null && e.isArray() && !e.isEmpty()) eos = e.get(0).asInt();
    return new LlamaConfig(
        hidden,
        req(n, "intermediate_size").asInt(),
        req(n, "num_hidden_layers").asInt(),
        heads,
        n.path("num_key_value_heads").asInt(heads),
        req(n, "vocab_size").asInt(),
        n.path("rms_norm_eps").asDouble(1e-6),
        n.path("rope_theta").asDouble(10_000),
        n.path("max_position_embeddings").asInt(2048),
        n.path("tie_word_embeddings").asBoolean(false),
        n.path("model_type").asText("llama"),
        eos);
  }

  private static JsonNode req(JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) throw new IllegalArgumentException("config.json: missing key " + key);
    return v;
  }

  public void write(Path file) {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("architectures").add("qwen2".equals(modelType) ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
    n.put("model_type", modelType);
    n.put("hidden_size", hiddenSize);
    n.put("intermediate_size", intermediateSize);
    n.put("num_hidden_layers", numHiddenLayers);
    n.put("num_attention_heads", numAttentionHeads);
    n.put("num_key_value_heads", numKeyValueHeads);
    n.put("vocab_size", vocabSize);
    n.put("rms_norm_eps", rmsNormEps);
    n.put("rope_theta", ropeTheta);
    n.put("max_position_embeddings", maxPositionEmbeddings);
    n.put("tie_word_embeddings", tieWordEmbeddings);
    n.put("hidden_act", "silu");
    n.put("torch_dtype", "float32");
    if (eosTokenId >= 0) n.put("eos_token_id", eosTokenId);
    try {
      Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + file, ex);
    }
  }
}
