package dev.bursar.backends.djl.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A Llama-family decoder (RMSNorm, rotary position embeddings in the Hugging Face "rotate half"
 * layout, SwiGLU MLP, grouped-query attention, tied or untied head) written as plain NDArray
 * operations over parameters named as in Hugging Face checkpoints. Biases, an explicit head width
 * and Llama-3 RoPE scaling come from the {@link LlamaConfig}.
 *
 * <p>Memory: parameters live in the model's own manager. {@link #forward} creates every
 * intermediate and output in the manager of its {@code ids} argument, so a caller that passes ids
 * created in a request scope gets everything released when that scope closes.
 */
public final class LlamaModel implements AutoCloseable {

  /** What one forward pass returns; all arrays live in the manager of the input ids. */
  public record Output(NDArray logits, KvCache cache, @Nullable NDArray hidden) {}

  private final LlamaConfig config;
  private final NDManager manager;
  private final SequencedMap<String, NDArray> params;
  private final float[] invFreq;

  private LlamaModel(LlamaConfig config, NDManager manager, SequencedMap<String, NDArray> params) {
    this.config = config;
    this.manager = manager;
    this.params = params;
    double[] inv = RopeScaling.inverseFrequencies(config.ropeTheta(), config.headDim(), config.ropeScaling());
    this.invFreq = new float[inv.length];
    for (int i = 0; i < inv.length; i++) invFreq[i] = (float) inv[i];
  }

  public LlamaConfig config() {
    return config;
  }

  public Device device() {
    return manager.getDevice();
  }

  /** {@return the manager that owns the parameters} */
  public NDManager manager() {
    return manager;
  }

  /** {@return the parameters by Hugging Face name, in a stable order} */
  public Map<String, NDArray> parameters() {
    return Collections.unmodifiableSequencedMap(params);
  }

  /** {@return the expected shape of every parameter, by Hugging Face name} */
  public static SequencedMap<String, long[]> parameterShapes(LlamaConfig c) {
    SequencedMap<String, long[]> s = new LinkedHashMap<>();
    long d = c.hiddenSize();
    long q = c.queryWidth();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      String p = "model.layers." + l + ".";
      s.put(p + "input_layernorm.weight", new long[] {d});
      s.put(p + "self_attn.q_proj.weight", new long[] {q, d});
      s.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
      s.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
      if (c.attentionBias()) {
        s.put(p + "self_attn.q_proj.bias", new long[] {q});
        s.put(p + "self_attn.k_proj.bias", new long[] {kv});
        s.put(p + "self_attn.v_proj.bias", new long[] {kv});
      }
      s.put(p + "self_attn.o_proj.weight", new long[] {d, q});
      if (c.outputBias()) s.put(p + "self_attn.o_proj.bias", new long[] {d});
      s.put(p + "post_attention_layernorm.weight", new long[] {d});
      s.put(p + "mlp.gate_proj.weight", new long[] {c.intermediateSize(), d});
      s.put(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), d});
      s.put(p + "mlp.down_proj.weight", new long[] {d, c.intermediateSize()});
    }
    s.put("model.norm.weight", new long[] {d});
    if (!c.tieWordEmbeddings()) s.put("lm_head.weight", new long[] {c.vocabSize(), d});
    return s;
  }

  /**
   * A freshly initialised model (normal(0, 0.02), output projections scaled by depth, norms at one),
   * deterministic given the seed whatever the engine.
   */
  public static LlamaModel random(LlamaConfig c, long seed, Device device) {
    NDManager m = NDManager.newBaseManager(device);
    SplittableRandom rnd = new SplittableRandom(seed);
    SequencedMap<String, NDArray> p = new LinkedHashMap<>();
    double outStd = 0.02 / Math.sqrt(2.0 * c.numHiddenLayers());
    for (var e : parameterShapes(c).entrySet()) {
      String name = e.getKey();
      int n = (int) SafeTensors.elements(e.getValue());
      float[] data = new float[n];
      if (name.endsWith("norm.weight")) {
        java.util.Arrays.fill(data, 1f);
      } else {
        double std = name.contains("o_proj") || name.contains("down_proj") ? outStd : 0.02;
        for (int i = 0; i < n; i++) data[i] = (float) (rnd.nextGaussian() * std);
      }
      p.put(name, m.create(data, new Shape(e.getValue())));
    }
    return new LlamaModel(c, m, p);
  }

  /**
   * Loads the weights for {@code config} from one safetensors file, or from a checkpoint directory
   * (its {@code model.safetensors}, or the shards that {@code model.safetensors.index.json} lists).
   * BF16 and F16 weights are widened to F32 on load: the model computes in F32, at twice the memory
   * of a BF16 checkpoint. Fails naming any missing or misshapen tensor; extra tensors (a tied
   * checkpoint's {@code lm_head.weight}, rotary buffers) are ignored.
   */
  public static LlamaModel load(LlamaConfig c, Path safetensors, Device device) {
    NDManager m = NDManager.newBaseManager(device);
    try (ShardedSafeTensors st = ShardedSafeTensors.open(safetensors)) {
      SequencedMap<String, NDArray> p = new LinkedHashMap<>();
      for (var e : parameterShapes(c).entrySet()) {
        float[] data = st.read(e.getKey(), e.getValue());
        p.put(e.getKey(), m.create(data, new Shape(e.getValue())));
      }
      return new LlamaModel(c, m, p);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** Writes the parameters as F32 safetensors with Hugging Face names. */
  public void save(Path safetensors) {
    Map<String, SafeTensors.FloatTensor> out = new LinkedHashMap<>();
    for (var e : params.entrySet()) {
      out.put(e.getKey(), new SafeTensors.FloatTensor(e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
    }
    SafeTensors.write(safetensors, out);
  }

  private NDArray p(String name) {
    NDArray a = params.get(name);
    if (a == null) throw new IllegalStateException("missing parameter " + name);
    return a;
  }

  private @Nullable NDArray optional(String name) {
    return params.get(name);
  }

  /**
   * Runs tokens {@code ids [batch, t]} at positions {@code start .. start+t-1}.
   *
   * @param past keys and values of positions {@code 0 .. start-1} for the same batch, or null when
   *     {@code start == 0}
   * @param tapLayer 1-based layer whose output to return as {@code hidden}, 0 for none
   * @param lastOnly return logits of the last position only ({@code [batch, vocab]}) instead of
   *     all ({@code [batch, t, vocab]})
   */
  public Output forward(NDArray ids, int start, @Nullable KvCache past, int tapLayer, boolean lastOnly) {
    NDManager scope = ids.getManager();
    long b = ids.getShape().get(0);
    int t = (int) ids.getShape().get(1);
    if (start + t > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          "sequence of " + (start + t) + " tokens exceeds max_position_embeddings " + config.maxPositionEmbeddings());
    }
    if ((past == null) != (start == 0) || (past != null && past.length() != start)) {
      throw new IllegalArgumentException("past cache length does not match start " + start);
    }
    int hd = config.headDim();
    int kvh = config.numKeyValueHeads();
    int rep = config.groupSize();
    NDArray[] rope = ropeTables(scope, start, t);
    NDArray mask = t == 1 ? null : causalMask(scope, start, t);
    NDArray x = Embedding.embedding(ids, p("model.embed_tokens.weight"), SparseFormat.DENSE).singletonOrThrow();
    List<NDArray> keys = new ArrayList<>();
    List<NDArray> values = new ArrayList<>();
    NDArray hidden = null;
    double scale = 1.0 / Math.sqrt(hd);
    for (int l = 0; l < config.numHiddenLayers(); l++) {
      String pre = "model.layers." + l + ".";
      NDArray h = rmsNorm(x, p(pre + "input_layernorm.weight"));
      NDArray q = linear(h, pre + "self_attn.q_proj");
      NDArray k = linear(h, pre + "self_attn.k_proj");
      NDArray v = linear(h, pre + "self_attn.v_proj");
      q = rope(q.reshape(b, t, config.numAttentionHeads(), hd).transpose(0, 2, 1, 3), rope);
      k = rope(k.reshape(b, t, kvh, hd).transpose(0, 2, 1, 3), rope);
      v = v.reshape(b, t, kvh, hd).transpose(0, 2, 1, 3);
      if (past != null) {
        // past-first ops land in the cache's manager: move the results to this pass's scope
        k = past.keys().get(l).concat(k, 2);
        v = past.values().get(l).concat(v, 2);
        k.attach(scope);
        v.attach(scope);
      }
      keys.add(k);
      values.add(v);
      int tk = start + t;
      // grouped-query attention without copying KV heads: fold the query heads of a group into rows
      NDArray qg = q.reshape(b, kvh, (long) rep * t, hd).mul(scale);
      NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2));
      if (mask != null) scores = scores.reshape(b, kvh, rep, t, tk).add(mask).reshape(b, kvh, (long) rep * t, tk);
      NDArray attn = scores.softmax(-1).matMul(v);
      attn = attn.reshape(b, config.numAttentionHeads(), t, hd).transpose(0, 2, 1, 3).reshape(b, t, config.queryWidth());
      x = x.add(linear(attn, pre + "self_attn.o_proj"));
      NDArray h2 = rmsNorm(x, p(pre + "post_attention_layernorm.weight"));
      NDArray gate = linear(h2, pre + "mlp.gate_proj");
      NDArray up = linear(h2, pre + "mlp.up_proj");
      NDArray act = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up);
      x = x.add(linear(act, pre + "mlp.down_proj"));
      if (l + 1 == tapLayer) hidden = x;
    }
    NDArray out = rmsNorm(lastOnly ? x.get(":, -1, :") : x, p("model.norm.weight"));
    NDArray head = config.tieWordEmbeddings() ? p("model.embed_tokens.weight") : p("lm_head.weight");
    NDArray logits = Linear.linear(out, head).singletonOrThrow();
    return new Output(logits, new KvCache(keys, values), hidden);
  }

  private NDArray linear(NDArray x, String prefix) {
    NDArray bias = optional(prefix + ".bias");
    NDList r = bias == null ? Linear.linear(x, p(prefix + ".weight")) : Linear.linear(x, p(prefix + ".weight"), bias);
    return r.singletonOrThrow();
  }

  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray var = x.square().mean(new int[] {-1}, true);
    return x.mul(var.add(config.rmsNormEps()).pow(-0.5)).mul(weight);
  }

  /** cos and sin of shape {@code [t, headDim]} for positions {@code start..start+t-1} (HF layout). */
  private NDArray[] ropeTables(NDManager scope, int start, int t) {
    int hd = config.headDim();
    int half = hd / 2;
    float[] cos = new float[t * hd];
    float[] sin = new float[t * hd];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < half; j++) {
        double a = (start + i) * (double) invFreq[j];
        float c = (float) Math.cos(a);
        float s = (float) Math.sin(a);
        cos[i * hd + j] = c;
        cos[i * hd + j + half] = c;
        sin[i * hd + j] = s;
        sin[i * hd + j + half] = s;
      }
    }
    return new NDArray[] {scope.create(cos, new Shape(t, hd)), scope.create(sin, new Shape(t, hd))};
  }

  /** x * cos + rotate_half(x) * sin, with rotate_half(x) = cat(-x2, x1). */
  private static NDArray rope(NDArray x, NDArray[] cs) {
    long hd = x.getShape().get(3);
    NDArray x1 = x.get(new NDIndex("..., :{}", hd / 2));
    NDArray x2 = x.get(new NDIndex("..., {}:", hd / 2));
    NDArray rotated = x2.neg().concat(x1, -1);
    return x.mul(cs[0]).add(rotated.mul(cs[1]));
  }

  private static NDArray causalMask(NDManager scope, int start, int t) {
    int tk = start + t;
    float[] m = new float[t * tk];
    for (int i = 0; i < t; i++) {
      for (int j = start + i + 1; j < tk; j++) m[i * tk + j] = -1e9f;
    }
    return scope.create(m, new Shape(t, tk));
  }

  /** {@return token ids as a {@code [batch, t]} int64 array in {@code scope}} */
  public static NDArray ids(NDManager scope, int[][] rows) {
    int t = rows[0].length;
    long[] flat = new long[rows.length * t];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != t) throw new IllegalArgumentException("rows differ in length");
      for (int i = 0; i < t; i++) flat[r * t + i] = rows[r][i];
    }
    return scope.create(flat, new Shape(rows.length, t)).toType(DataType.INT64, false);
  }

  @Override
  public void close() {
    manager.close();
  }
}
