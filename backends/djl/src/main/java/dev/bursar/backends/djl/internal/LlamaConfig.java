package dev.bursar.backends.djl.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The hyper-parameters of a Llama-family decoder, read from and written to a Hugging Face
 * {@code config.json}: {@code model_type} {@code llama} or {@code qwen2}, grouped-query attention,
 * an explicit {@code head_dim}, Llama-3 {@code rope_scaling}, q/k/v biases (always in Qwen2, with
 * {@code attention_bias} in Llama, which then has an o_proj bias too), a tied or untied head.
 * {@link #parse} refuses what the model cannot run (other RoPE scalings, mixture of experts, sliding
 * window attention, MLP biases, another activation) with a message that names it.
 *
 * @param eosTokenIds end-of-sequence token ids (a list in Llama 3.1 and Qwen2 configs), possibly empty
 * @param headDim the width of one attention head ({@code hidden_size / num_attention_heads} unless given)
 * @param ropeScaling Llama-3 frequency scaling, or null for plain RoPE
 * @param attentionBias whether q/k/v (and, in Llama, o) projections have biases
 * @param bosTokenId beginning-of-sequence token id, or -1 when the checkpoint names none
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
    List<Integer> eosTokenIds,
    int headDim,
    @Nullable RopeScaling ropeScaling,
    boolean attentionBias,
    int bosTokenId) {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The architectures {@link LlamaModel} implements. */
  public static final List<String> MODEL_TYPES = List.of("llama", "qwen2");

  public LlamaConfig {
    positive("hidden_size", hiddenSize);
    positive("intermediate_size", intermediateSize);
    positive("num_hidden_layers", numHiddenLayers);
    positive("num_attention_heads", numAttentionHeads);
    positive("num_key_value_heads", numKeyValueHeads);
    positive("vocab_size", vocabSize);
    positive("max_position_embeddings", maxPositionEmbeddings);
    positive("head_dim", headDim);
    if (numAttentionHeads % numKeyValueHeads != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads " + numAttentionHeads + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
    }
    if (headDim % 2 != 0) throw new IllegalArgumentException("head dim " + headDim + " must be even for RoPE");
    if (!(rmsNormEps > 0)) throw new IllegalArgumentException("rms_norm_eps must be > 0, was " + rmsNormEps);
    if (!(ropeTheta > 0)) throw new IllegalArgumentException("rope_theta must be > 0, was " + ropeTheta);
    eosTokenIds = List.copyOf(eosTokenIds);
  }

  /** A plain-RoPE config with {@code head_dim = hidden_size / num_attention_heads}, biases as the model type has them. */
  public LlamaConfig(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
      int numKeyValueHeads, int vocabSize, double rmsNormEps, double ropeTheta, int maxPositionEmbeddings,
      boolean tieWordEmbeddings, String modelType, int eosTokenId) {
    this(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, vocabSize, rmsNormEps,
        ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, modelType, eosTokenId >= 0 ? List.of(eosTokenId) : List.of(),
        defaultHeadDim(hiddenSize, numAttentionHeads), null, "qwen2".equals(modelType), -1);
  }

  private static int defaultHeadDim(int hidden, int heads) {
    positive("num_attention_heads", heads);
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
    }
    return hidden / heads;
  }

  private static void positive(String key, int v) {
    if (v < 1) throw new IllegalArgumentException(key + " must be >= 1, was " + v);
  }

  /** {@return the first end-of-sequence id, or -1 when there is none} */
  public int eosTokenId() {
    return eosTokenIds.isEmpty() ? -1 : eosTokenIds.getFirst();
  }

  /** {@return the width of the concatenated query heads (differs from hidden_size when head_dim is given)} */
  public int queryWidth() {
    return numAttentionHeads * headDim;
  }

  /** {@return whether o_proj has a bias: Llama's attention_bias covers it, Qwen2's q/k/v biases do not} */
  public boolean outputBias() {
    return attentionBias && !"qwen2".equals(modelType);
  }

  /** {@return how many query heads share one key/value head} */
  public int groupSize() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /** {@return the number of parameters, counting a tied head once} */
  public long parameterCount() {
    long n = 0;
    for (long[] shape : LlamaModel.parameterShapes(this).values()) n += SafeTensors.elements(shape);
    return n;
  }

  public static LlamaConfig read(Path file) {
    try {
      return parse(JSON.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  public static LlamaConfig parse(JsonNode n) {
    String type = n.path("model_type").asText("llama");
    if (!MODEL_TYPES.contains(type)) {
      throw new IllegalArgumentException("config.json: model_type '" + type + "' is not supported (supported: "
          + String.join(", ", MODEL_TYPES) + ")");
    }
    for (String moe : List.of("num_experts", "num_local_experts", "n_routed_experts", "num_experts_per_tok")) {
      if (n.path(moe).asInt(0) > 0) {
        throw new IllegalArgumentException("config.json: mixture of experts (" + moe + "=" + n.get(moe) + ") is not supported");
      }
    }
    if (n.path("use_sliding_window").asBoolean(false)) {
      throw new IllegalArgumentException("config.json: sliding window attention (use_sliding_window=true) is not supported");
    }
    String act = n.path("hidden_act").asText("silu");
    if (!act.equals("silu")) throw new IllegalArgumentException("config.json: hidden_act '" + act + "' is not supported (only silu)");
    if (n.path("mlp_bias").asBoolean(false)) throw new IllegalArgumentException("config.json: mlp_bias=true is not supported");
    double partial = n.path("partial_rotary_factor").asDouble(1.0);
    if (partial != 1.0) throw new IllegalArgumentException("config.json: partial_rotary_factor " + partial + " is not supported");
    int hidden = req(n, "hidden_size").asInt();
    int heads = req(n, "num_attention_heads").asInt();
    JsonNode hd = n.get("head_dim");
    int headDim = hd == null || hd.isNull() ? defaultHeadDim(hidden, heads) : hd.asInt();
    boolean bias = "qwen2".equals(type) || n.path("attention_bias").asBoolean(false);
    JsonNode bos = n.get("bos_token_id");
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
        type,
        tokenIds(n.get("eos_token_id")),
        headDim,
        ropeScaling(n.get("rope_scaling")),
        bias,
        bos != null && bos.isInt() ? bos.asInt() : -1);
  }

  /** {@return the ids of a token-id field that holds an int, a list of ints, or nothing} */
  public static List<Integer> tokenIds(@Nullable JsonNode v) {
    if (v == null || v.isNull()) return List.of();
    if (v.isInt()) return List.of(v.asInt());
    List<Integer> ids = new ArrayList<>();
    if (v.isArray()) for (JsonNode e : v) if (e.isInt()) ids.add(e.asInt());
    return ids;
  }

  private static @Nullable RopeScaling ropeScaling(@Nullable JsonNode s) {
    if (s == null || s.isNull()) return null;
    // transformers reads "rope_type", older configs wrote "type"
    String type = s.path("rope_type").asText(s.path("type").asText("default"));
    if (type.equals("default")) return null;
    if (!type.equals("llama3")) {
      throw new IllegalArgumentException("config.json: rope_scaling type '" + type + "' is not supported (only llama3)");
    }
    return new RopeScaling(req(s, "factor").asDouble(), req(s, "low_freq_factor").asDouble(),
        req(s, "high_freq_factor").asDouble(), req(s, "original_max_position_embeddings").asInt());
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
    if (eosTokenIds.size() == 1) n.put("eos_token_id", eosTokenIds.getFirst());
    if (eosTokenIds.size() > 1) eosTokenIds.forEach(n.withArray("eos_token_id")::add);
    if (bosTokenId >= 0) n.put("bos_token_id", bosTokenId);
    if (headDim != hiddenSize / numAttentionHeads || hiddenSize % numAttentionHeads != 0) n.put("head_dim", headDim);
    if (attentionBias && !"qwen2".equals(modelType)) n.put("attention_bias", true);
    if (ropeScaling != null) {
      n.putObject("rope_scaling").put("rope_type", "llama3").put("factor", ropeScaling.factor())
          .put("low_freq_factor", ropeScaling.lowFreqFactor()).put("high_freq_factor", ropeScaling.highFreqFactor())
          .put("original_max_position_embeddings", ropeScaling.originalMaxPositions());
    }
    try {
      Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + file, ex);
    }
  }
}
