package dev.bursar.backends.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.bursar.backends.djl.HfCheckpoints;

/**
 * The model's math against an independent plain-Java forward pass, and the KV cache against full
 * recomputation. Tolerance: 1e-4 absolute on logits (float32 with different summation orders).
 */
final class LlamaModelTest {
  private static final double TOL = 1e-4;
  private static final LlamaConfig CONFIG = new LlamaConfig(16, 24, 2, 4, 2, 11, 1e-5, 10_000, 128, false, "llama", 2);
  private static LlamaModel model;

  @BeforeAll
  static void init() {
    model = LlamaModel.random(CONFIG, 7, Device.cpu());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static float[] logits(int[] tokens, int start, KvCache past, NDManager m) {
    return model.forward(LlamaModel.ids(m, new int[][] {tokens}), start, past, 0, false).logits().toFloatArray();
  }

  @Test
  void forward_matchesPlainJavaReference() {
    int[] tokens = {1, 5, 9, 3, 3, 0, 10};
    double[][] expected = Reference.forward(CONFIG, weights(model), tokens);
    try (NDManager m = NDManager.newBaseManager()) {
      float[] got = logits(tokens, 0, null, m);
      int v = CONFIG.vocabSize();
      for (int i = 0; i < tokens.length; i++) {
        for (int j = 0; j < v; j++) assertThat((double) got[i * v + j]).isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(TOL));
      }
    }
  }

  @Test
  void forward_tiedHead_matchesReference() {
    LlamaConfig tied = new LlamaConfig(16, 24, 1, 4, 1, 11, 1e-5, 500, 128, true, "llama", 2);
    try (LlamaModel m2 = LlamaModel.random(tied, 3, Device.cpu()); NDManager m = NDManager.newBaseManager()) {
      int[] tokens = {4, 4, 7, 1};
      double[][] expected = Reference.forward(tied, weights(m2), tokens);
      float[] got = m2.forward(LlamaModel.ids(m, new int[][] {tokens}), 0, null, 0, false).logits().toFloatArray();
      for (int i = 0; i < tokens.length; i++) {
        for (int j = 0; j < 11; j++) assertThat((double) got[i * 11 + j]).isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(TOL));
      }
    }
  }

  @Test
  void decodeWithKvCache_matchesFullRecomputation() {
    int[] tokens = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2, 3};
    int v = CONFIG.vocabSize();
    try (NDManager m = NDManager.newBaseManager()) {
      float[] full = logits(tokens, 0, null, m);
      int prefix = 6;
      LlamaModel.Output out = model.forward(LlamaModel.ids(m, new int[][] {java.util.Arrays.copyOf(tokens, prefix)}), 0, null, 0, false);
      KvCache kv = out.cache();
      for (int i = prefix; i < tokens.length; i++) {
        LlamaModel.Output step = model.forward(LlamaModel.ids(m, new int[][] {{tokens[i]}}), i, kv, 0, true);
        float[] got = step.logits().toFloatArray();
        for (int j = 0; j < v; j++) assertThat(got[j]).isCloseTo(full[i * v + j], org.assertj.core.data.Offset.offset((float) TOL));
        kv = step.cache();
        assertThat(kv.length()).isEqualTo(i + 1);
      }
    }
  }

  @Test
  void batched_equalsUnbatched() {
    int[][] rows = {{1, 2, 3, 4, 5}, {9, 8, 7, 6, 5}, {0, 0, 3, 3, 1}};
    int v = CONFIG.vocabSize();
    try (NDManager m = NDManager.newBaseManager()) {
      float[] batched = model.forward(LlamaModel.ids(m, rows), 0, null, 0, false).logits().toFloatArray();
      for (int r = 0; r < rows.length; r++) {
        float[] single = logits(rows[r], 0, null, m);
        for (int i = 0; i < single.length; i++) {
          assertThat(batched[r * single.length + i]).isCloseTo(single[i], org.assertj.core.data.Offset.offset((float) TOL));
        }
      }
    }
  }

  @Test
  void saveThenLoad_givesSameLogits(@TempDir Path dir) {
    Path f = dir.resolve("model.safetensors");
    model.save(f);
    int[] tokens = {3, 1, 4, 1, 5};
    try (LlamaModel loaded = LlamaModel.load(CONFIG, f, Device.cpu()); NDManager m = NDManager.newBaseManager()) {
      float[] a = logits(tokens, 0, null, m);
      float[] b = loaded.forward(LlamaModel.ids(m, new int[][] {tokens}), 0, null, 0, false).logits().toFloatArray();
      assertThat(b).containsExactly(a);
    }
  }

  @Test
  void load_missingOrMisshapenTensor_failsNamingIt(@TempDir Path dir) {
    Map<String, SafeTensors.FloatTensor> t = new LinkedHashMap<>();
    for (var e : model.parameters().entrySet()) {
      if (!e.getKey().equals("model.layers.1.mlp.up_proj.weight")) {
        t.put(e.getKey(), new SafeTensors.FloatTensor(e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
      }
    }
    Path missing = dir.resolve("missing.safetensors");
    SafeTensors.write(missing, t);
    assertThatThrownBy(() -> LlamaModel.load(CONFIG, missing, Device.cpu()))
        .hasMessageContaining("missing tensor model.layers.1.mlp.up_proj.weight");
    t.put("model.layers.1.mlp.up_proj.weight", new SafeTensors.FloatTensor(new long[] {24, 15}, new float[24 * 15]));
    Path wrong = dir.resolve("wrong.safetensors");
    SafeTensors.write(wrong, t);
    assertThatThrownBy(() -> LlamaModel.load(CONFIG, wrong, Device.cpu()))
        .hasMessageContaining("tensor model.layers.1.mlp.up_proj.weight has shape [24, 15], expected [24, 16]");
  }

  @Test
  void forward_beyondMaxPositions_failsClearly() {
    try (NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> logits(new int[129], 0, null, m)).hasMessageContaining("max_position_embeddings 128");
    }
  }

  /** Loads {@code c} from BF16 shards of larger random weights (attention far from uniform, so RoPE matters). */
  private static LlamaModel loadSharded(LlamaConfig c, Path dir, long seed) {
    HfCheckpoints.writeSharded(dir, HfCheckpoints.weights(c, seed, 0.3), 2, "BF16");
    return LlamaModel.load(c, dir, Device.cpu());
  }

  private static void assertMatchesReference(LlamaModel m, int[] tokens, double tol) {
    LlamaConfig c = m.config();
    double[][] expected = Reference.forward(c, weights(m), tokens);
    try (NDManager nd = NDManager.newBaseManager()) {
      float[] got = m.forward(LlamaModel.ids(nd, new int[][] {tokens}), 0, null, 0, false).logits().toFloatArray();
      int v = c.vocabSize();
      for (int i = 0; i < tokens.length; i++) {
        for (int j = 0; j < v; j++) {
          assertThat((double) got[i * v + j]).as("logit %d of position %d", j, i)
              .isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(tol));
        }
      }
    }
  }

  @Test
  void forward_llama3ScaledRopeAndWideHeads_fromBf16Shards_matchesReference(@TempDir Path dir) {
    LlamaConfig c = HfCheckpoints.llama3Config();
    int[] tokens = {0, 2, 7, 3, 12, 20, 25, 4, 2, 8, 3, 9, 30, 31, 14, 15, 16, 17, 18, 19};
    try (LlamaModel m = loadSharded(c, dir, 11)) {
      assertThat(m.parameters().get("model.layers.0.self_attn.q_proj.weight").getShape().getShape()).containsExactly(64, 32);
      assertMatchesReference(m, tokens, 1e-3);
    }
  }

  @Test
  void forward_qwen2Biases_fromBf16Shards_matchesReference(@TempDir Path dir) {
    LlamaConfig c = HfCheckpoints.qwen2Config();
    int[] tokens = {1, 4, 5, 6, 2, 1, 7, 8, 9, 10, 11, 2};
    try (LlamaModel m = loadSharded(c, dir, 12)) {
      assertThat(m.parameters()).containsKey("model.layers.1.self_attn.k_proj.bias").doesNotContainKey("lm_head.weight");
      assertMatchesReference(m, tokens, 1e-3);
    }
  }

  @Test
  void forward_llamaAttentionBias_includesOutputBias(@TempDir Path dir) {
    LlamaConfig c = new LlamaConfig(16, 24, 1, 2, 1, 11, 1e-5, 10_000, 64, true, "llama", java.util.List.of(2), 8, null, true, -1);
    try (LlamaModel m = loadSharded(c, dir, 13)) {
      assertThat(m.parameters()).containsKey("model.layers.0.self_attn.o_proj.bias");
      assertMatchesReference(m, new int[] {1, 2, 3, 4, 5, 6}, 1e-3);
    }
  }

  @Test
  void ropeScaling_changesLogits_soTheReferenceCheckSeesIt(@TempDir Path dir) {
    LlamaConfig scaled = HfCheckpoints.llama3Config();
    LlamaConfig plain = new LlamaConfig(scaled.hiddenSize(), scaled.intermediateSize(), scaled.numHiddenLayers(),
        scaled.numAttentionHeads(), scaled.numKeyValueHeads(), scaled.vocabSize(), scaled.rmsNormEps(), scaled.ropeTheta(),
        scaled.maxPositionEmbeddings(), false, "llama", scaled.eosTokenIds(), scaled.headDim(), null, false, 0);
    int[] tokens = {0, 2, 7, 3, 12, 20, 25, 4, 2, 8, 3, 9, 30, 31, 14, 15, 16, 17, 18, 19};
    try (LlamaModel a = loadSharded(scaled, dir, 11); LlamaModel b = LlamaModel.load(plain, dir, Device.cpu());
        NDManager nd = NDManager.newBaseManager()) {
      float[] la = a.forward(LlamaModel.ids(nd, new int[][] {tokens}), 0, null, 0, false).logits().toFloatArray();
      float[] lb = b.forward(LlamaModel.ids(nd, new int[][] {tokens}), 0, null, 0, false).logits().toFloatArray();
      double maxDiff = 0;
      for (int i = 0; i < la.length; i++) maxDiff = Math.max(maxDiff, Math.abs(la[i] - lb[i]));
      assertThat(maxDiff).isGreaterThan(1e-2);
    }
  }

  @Test
  void load_qwen2WithoutBiases_failsNamingTheBias(@TempDir Path dir) {
    LlamaConfig c = HfCheckpoints.qwen2Config();
    var w = new LinkedHashMap<>(HfCheckpoints.weights(c, 1, 0.1));
    w.keySet().removeIf(n -> n.endsWith(".bias"));
    SafeTensors.write(dir.resolve("model.safetensors"), w);
    assertThatThrownBy(() -> LlamaModel.load(c, dir, Device.cpu()))
        .hasMessageContaining("missing tensor model.layers.0.self_attn.q_proj.bias");
  }

  private static Map<String, float[]> weights(LlamaModel m) {
    Map<String, float[]> w = new HashMap<>();
    for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) w.put(e.getKey(), e.getValue().toFloatArray());
    return w;
  }

  /** Llama forward pass in plain Java, written from the definitions rather than from the model code. */
  static final class Reference {
    static double[][] forward(LlamaConfig c, Map<String, float[]> w, int[] tokens) {
      int t = tokens.length;
      int d = c.hiddenSize();
      int hd = c.headDim();
      int nh = c.numAttentionHeads();
      int kvh = c.numKeyValueHeads();
      double[][] x = new double[t][d];
      float[] emb = w.get("model.embed_tokens.weight");
      for (int i = 0; i < t; i++) for (int j = 0; j < d; j++) x[i][j] = emb[tokens[i] * d + j];
      for (int l = 0; l < c.numHiddenLayers(); l++) {
        String p = "model.layers." + l + ".";
        double[][] h = norm(x, w.get(p + "input_layernorm.weight"), c.rmsNormEps());
        double[][] q = bias(mm(h, w.get(p + "self_attn.q_proj.weight"), nh * hd), w.get(p + "self_attn.q_proj.bias"));
        double[][] k = bias(mm(h, w.get(p + "self_attn.k_proj.weight"), kvh * hd), w.get(p + "self_attn.k_proj.bias"));
        double[][] v = bias(mm(h, w.get(p + "self_attn.v_proj.weight"), kvh * hd), w.get(p + "self_attn.v_proj.bias"));
        double[] freq = frequencies(c);
        for (int i = 0; i < t; i++) {
          for (int head = 0; head < nh; head++) rotate(q[i], head * hd, hd, i, freq);
          for (int head = 0; head < kvh; head++) rotate(k[i], head * hd, hd, i, freq);
        }
        double[][] att = new double[t][nh * hd];
        for (int head = 0; head < nh; head++) {
          int g = head / (nh / kvh);
          for (int i = 0; i < t; i++) {
            double[] s = new double[i + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= i; j++) {
              double dot = 0;
              for (int e = 0; e < hd; e++) dot += q[i][head * hd + e] * k[j][g * hd + e];
              s[j] = dot / Math.sqrt(hd);
              max = Math.max(max, s[j]);
            }
            double z = 0;
            for (int j = 0; j <= i; j++) z += (s[j] = Math.exp(s[j] - max));
            for (int j = 0; j <= i; j++) for (int e = 0; e < hd; e++) att[i][head * hd + e] += s[j] / z * v[j][g * hd + e];
          }
        }
        add(x, bias(mm(att, w.get(p + "self_attn.o_proj.weight"), d), w.get(p + "self_attn.o_proj.bias")));
        double[][] h2 = norm(x, w.get(p + "post_attention_layernorm.weight"), c.rmsNormEps());
        double[][] gate = mm(h2, w.get(p + "mlp.gate_proj.weight"), c.intermediateSize());
        double[][] up = mm(h2, w.get(p + "mlp.up_proj.weight"), c.intermediateSize());
        for (int i = 0; i < t; i++) {
          for (int j = 0; j < c.intermediateSize(); j++) gate[i][j] = gate[i][j] / (1 + Math.exp(-gate[i][j])) * up[i][j];
        }
        add(x, mm(gate, w.get(p + "mlp.down_proj.weight"), d));
      }
      double[][] f = norm(x, w.get("model.norm.weight"), c.rmsNormEps());
      return mm(f, c.tieWordEmbeddings() ? emb : w.get("lm_head.weight"), c.vocabSize());
    }

    /**
     * Rotary frequencies theta^(-2j/hd); with Llama-3 scaling, by how many original contexts fit in a
     * frequency's wavelength: fewer than low_freq_factor, slowed by factor; more than
     * high_freq_factor, kept; in between, a linear blend of the two by that count.
     */
    static double[] frequencies(LlamaConfig c) {
      int hd = c.headDim();
      double[] f = new double[hd / 2];
      RopeScaling s = c.ropeScaling();
      for (int j = 0; j < f.length; j++) {
        double base = Math.pow(c.ropeTheta(), -2.0 * j / hd);
        if (s == null) {
          f[j] = base;
          continue;
        }
        double contexts = s.originalMaxPositions() * base / (2 * Math.PI);
        if (contexts < s.lowFreqFactor()) f[j] = base / s.factor();
        else if (contexts > s.highFreqFactor()) f[j] = base;
        else {
          double a = (contexts - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
          f[j] = (1 - a) * base / s.factor() + a * base;
        }
      }
      return f;
    }

    static double[][] bias(double[][] x, float[] b) {
      if (b == null) return x;
      for (double[] row : x) for (int j = 0; j < row.length; j++) row[j] += b[j];
      return x;
    }

    /** Rotary embedding, rotate-half layout: pairs (j, j + hd/2) rotate by pos * freq[j]. */
    static void rotate(double[] v, int off, int hd, int pos, double[] freq) {
      int half = hd / 2;
      for (int j = 0; j < half; j++) {
        double a = pos * freq[j];
        double x1 = v[off + j];
        double x2 = v[off + j + half];
        v[off + j] = x1 * Math.cos(a) - x2 * Math.sin(a);
        v[off + j + half] = x2 * Math.cos(a) + x1 * Math.sin(a);
      }
    }

    static double[][] norm(double[][] x, float[] g, double eps) {
      double[][] out = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        double ss = 0;
        for (double a : x[i]) ss += a * a;
        double r = 1 / Math.sqrt(ss / x[i].length + eps);
        out[i] = new double[x[i].length];
        for (int j = 0; j < x[i].length; j++) out[i][j] = x[i][j] * r * g[j];
      }
      return out;
    }

    /** x @ W^T with W stored [out, in] as in checkpoints. */
    static double[][] mm(double[][] x, float[] wt, int out) {
      int in = x[0].length;
      double[][] y = new double[x.length][out];
      for (int i = 0; i < x.length; i++) {
        for (int o = 0; o < out; o++) {
          double s = 0;
          for (int e = 0; e < in; e++) s += x[i][e] * wt[o * in + e];
          y[i][o] = s;
        }
      }
      return y;
    }

    static void add(double[][] x, double[][] y) {
      for (int i = 0; i < x.length; i++) for (int j = 0; j < x[i].length; j++) x[i][j] += y[i][j];
    }
  }
}
