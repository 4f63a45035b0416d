package dev.bursar.backends.djl.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Batched decoding of N continuations of one prompt over a {@link LlamaModel}: prefill once
 * (through the prefix cache when there is one), repeat the prompt's keys and values N times, then
 * one forward pass per step for the sequences still running. A sequence that ends (end token, stop
 * sequence, length, or cancelled by the listener) leaves the batch at once, so it costs nothing
 * afterwards.
 *
 * <p>Native memory: every request works in its own sub-manager of {@code root}; each decoding step
 * in a sub-manager of that, closed when the next step has taken what it needs.
 */
public final class Generator {

  /** Turns token ids into text; used for stop sequences and token events. */
  @FunctionalInterface
  public interface Detokenizer {
    String decode(int[] ids);
  }

  /** One finished sequence with all its signals. */
  /** One generated sequence; {@code cachedPromptTokens}: prompt tokens the prefix cache served instead of a prefill. */
  public record Sequence(
      int index,
      int[] tokens,
      String text,
      FinishReason finish,
      double[] logprobs,
      double[] confidence,
      double[] entropy,
      int cachedPromptTokens) {}

  /** What to generate; a sequence ends at any of {@code eosTokens}. */
  public record Spec(
      int[] prompt, int n, int maxTokens, Sampling sampling, List<String> stop, int topLogprobs, int[] eosTokens) {

    boolean ends(int token) {
      for (int e : eosTokens) if (e == token) return true;
      return false;
    }
  }

  /** Work counters: tokens run through the model in prefill and in decoding. */
  public record Counters(long requests, long prefillTokens, long decodeTokens) {}

  private final LlamaModel model;
  private final NDManager root;
  private final boolean sampleOnDevice;
  private final @Nullable PrefixCache prefixCache;
  private final boolean kvCache;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong prefillTokens = new AtomicLong();
  private final AtomicLong decodeTokens = new AtomicLong();

  /**
   * @param root manager under which requests open their scopes
   * @param prefixCache shared prefix cache, or null to prefill every request
   * @param kvCache false to recompute the whole sequence at every step (for benchmarks only)
   */
  public Generator(LlamaModel model, NDManager root, @Nullable PrefixCache prefixCache, boolean kvCache) {
    this(model, root, prefixCache, kvCache, false);
  }

  /**
   * @param sampleOnDevice pick tokens where the logits are ({@link DeviceSampler}) rather than
   *     copying every row's logits to the host each step; with the KV cache only
   */
  public Generator(LlamaModel model, NDManager root, @Nullable PrefixCache prefixCache, boolean kvCache,
      boolean sampleOnDevice) {
    this.model = model;
    this.root = root;
    this.prefixCache = prefixCache;
    this.kvCache = kvCache;
    this.sampleOnDevice = sampleOnDevice && kvCache;
  }

  public LlamaModel model() {
    return model;
  }

  public Counters counters() {
    return new Counters(requests.get(), prefillTokens.get(), decodeTokens.get());
  }

  /** The prompt's keys and values (batch 1, valid while {@code lease} or the scope lives) and its last logits. */
  private record Prefilled(KvCache kv, float[] lastLogits, PrefixCache.@Nullable Lease lease, @Nullable NDArray hidden, int start) {}

  /**
   * Prefills {@code tokens}, reusing the longest cached prefix shorter than or equal to
   * {@code reuseLimit}, and caches the result.
   */
  private Prefilled prefill(NDManager scope, int[] tokens, int reuseLimit, int tapLayer) {
    int len = tokens.length;
    if (len == 0) throw new IllegalArgumentException("empty prompt");
    PrefixCache.Lease hit = prefixCache == null ? null : prefixCache.lookup(tokens, Math.min(reuseLimit, len));
    int p = hit == null ? 0 : hit.length();
    if (p == len && tapLayer == 0) return new Prefilled(hit.kv(), hit.lastLogits(), hit, null, p);
    try {
      int[] rest = Arrays.copyOfRange(tokens, p, len);
      NDArray ids = LlamaModel.ids(scope, new int[][] {rest});
      LlamaModel.Output out = model.forward(ids, p, hit == null ? null : hit.kv(), tapLayer, true);
      float[] last = out.logits().toFloatArray();
      prefillTokens.addAndGet(rest.length);
      if (prefixCache != null) prefixCache.recordPrefill(rest.length);
      PrefixCache.Lease stored = prefixCache == null ? null : prefixCache.put(tokens, len, out.cache(), last);
      return new Prefilled(out.cache(), last, stored, out.hidden(), p);
    } finally {
      if (hit != null) hit.close();
    }
  }

  /** Runs the request; the listener may cancel single sequences. */
  public List<Sequence> generate(Spec spec, Detokenizer detok, TokenListener listener) {
    requests.incrementAndGet();
    int n = spec.n();
    int vocab = model.config().vocabSize();
    int promptLen = spec.prompt().length;
    int maxStop = spec.stop().stream().mapToInt(String::length).max().orElse(0);
    State[] seq = new State[n];
    for (int i = 0; i < n; i++) seq[i] = new State(i, new TokenSampler(spec.sampling(), i, spec.topLogprobs()));
    int cached = 0;
    try (NDManager scope = root.newSubManager()) {
      NDManager stepScope = scope.newSubManager();
      KvCache kv = null;
      float[] logits = null;
      NDArray deviceLogits = null; // [rows, vocab] when sampling on the device
      int[] rows = new int[n]; // rows[r] = sequence index of batch row r
      for (int i = 0; i < n; i++) rows[i] = i;
      if (kvCache) {
        Prefilled pf = prefill(scope, spec.prompt(), promptLen, 0);
        cached = pf.start();
        try {
          kv = pf.kv().repeat(stepScope, n);
        } finally {
          if (pf.lease() != null) pf.lease().close();
        }
        logits = new float[n * vocab];
        for (int i = 0; i < n; i++) System.arraycopy(pf.lastLogits(), 0, logits, i * vocab, vocab);
        if (sampleOnDevice) deviceLogits = stepScope.create(logits, new Shape(n, vocab));
      } else {
        logits = fullPass(stepScope, spec.prompt(), seq, rows, true);
      }
      try {
        for (int step = 0; ; step++) {
          int alive = 0;
          int[] next = new int[rows.length];
          TokenSampler.Pick[] picks = null;
          if (deviceLogits != null) {
            TokenSampler[] samplers = new TokenSampler[rows.length];
            for (int r = 0; r < rows.length; r++) samplers[r] = seq[rows[r]].sampler;
            picks = DeviceSampler.next(deviceLogits, samplers, spec.sampling(), spec.topLogprobs());
          }
          for (int r = 0; r < rows.length; r++) {
            State s = seq[rows[r]];
            TokenSampler.Pick pick = picks != null ? picks[r] : s.sampler.next(logits, r, vocab);
            if (s.advance(pick, spec, detok, listener, maxStop, promptLen, model.config().maxPositionEmbeddings())) next[alive++] = r;
          }
          if (alive == 0) break;
          NDManager nextScope = scope.newSubManager();
          int[] keep = Arrays.copyOf(next, alive);
          int[] nextRows = new int[alive];
          for (int i = 0; i < alive; i++) nextRows[i] = rows[keep[i]];
          if (kvCache) {
            KvCache past = alive == rows.length ? kv : kv.select(nextScope, keep);
            int[][] last = new int[alive][];
            for (int i = 0; i < alive; i++) last[i] = new int[] {seq[nextRows[i]].lastToken()};
            NDArray ids = LlamaModel.ids(nextScope, last);
            LlamaModel.Output out = model.forward(ids, promptLen + step, past, 0, true);
            if (sampleOnDevice) deviceLogits = out.logits().reshape(alive, vocab);
            else logits = out.logits().toFloatArray();
            kv = out.cache();
            decodeTokens.addAndGet(alive);
          } else {
            logits = fullPass(nextScope, spec.prompt(), seq, nextRows, false);
          }
          stepScope.close();
          stepScope = nextScope;
          rows = nextRows;
        }
      } finally {
        stepScope.close();
      }
    }
    List<Sequence> out = new ArrayList<>(n);
    for (State s : seq) out.add(s.finish(cached));
    return out;
  }

  /** Without a KV cache: runs prompt + everything generated so far for each row, every step. */
  private float[] fullPass(NDManager scope, int[] prompt, State[] seq, int[] rows, boolean first) {
    int[][] batch = new int[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      State s = seq[rows[r]];
      int[] all = Arrays.copyOf(prompt, prompt.length + s.count);
      System.arraycopy(s.tokens, 0, all, prompt.length, s.count);
      batch[r] = all;
    }
    NDArray ids = LlamaModel.ids(scope, batch);
    if (first) prefillTokens.addAndGet((long) prompt.length * rows.length);
    else decodeTokens.addAndGet((long) batch[0].length * rows.length);
    return model.forward(ids, 0, null, 0, true).logits().toFloatArray();
  }

  /**
   * The hidden state after {@code layer} at {@code positions} of {@code tokens}. Only positions
   * past the longest cached prefix can be tapped from a cached run, so the prefix reuse is limited
   * to the first requested position.
   */
  public float[][] hiddenStates(int[] tokens, int layer, int[] positions) {
    if (layer < 1 || layer > model.config().numHiddenLayers()) {
      throw new IllegalArgumentException("layer must be in [1, " + model.config().numHiddenLayers() + "], was " + layer);
    }
    int len = tokens.length;
    int[] pos = new int[positions.length];
    int min = len;
    for (int i = 0; i < positions.length; i++) {
      int q = positions[i] < 0 ? len + positions[i] : positions[i];
      if (q < 0 || q >= len) throw new IllegalArgumentException("position " + positions[i] + " outside 0.." + (len - 1));
      pos[i] = q;
      min = Math.min(min, q);
    }
    requests.incrementAndGet();
    try (NDManager scope = root.newSubManager()) {
      Prefilled pf = prefill(scope, tokens, min, layer);
      try {
        NDArray hidden = pf.hidden();
        if (hidden == null) throw new IllegalStateException("no hidden state tapped");
        int d = model.config().hiddenSize();
        float[] flat = hidden.toFloatArray(); // [1, len - start, d]
        float[][] out = new float[pos.length][];
        for (int i = 0; i < pos.length; i++) {
          int row = pos[i] - pf.start();
          out[i] = Arrays.copyOfRange(flat, row * d, (row + 1) * d);
        }
        return out;
      } finally {
        if (pf.lease() != null) pf.lease().close();
      }
    }
  }

  /** Per-sequence decoding state. */
  private static final class State {
    final int index;
    final TokenSampler sampler;
    int[] tokens = new int[16];
    double[] logprobs = new double[16];
    double[] confidence = new double[16];
    double[] entropy = new double[16];
    int count;
    String text = "";
    FinishReason finish;

    State(int index, TokenSampler sampler) {
      this.index = index;
      this.sampler = sampler;
    }

    int lastToken() {
      return tokens[count - 1];
    }

    /** Appends the picked token; {@return whether the sequence continues} */
    boolean advance(TokenSampler.Pick pick, Spec spec, Detokenizer detok, TokenListener listener, int maxStop, int promptLen, int maxPositions) {
      if (count == tokens.length) {
        int c = count * 2;
        tokens = Arrays.copyOf(tokens, c);
        logprobs = Arrays.copyOf(logprobs, c);
        confidence = Arrays.copyOf(confidence, c);
        entropy = Arrays.copyOf(entropy, c);
      }
      tokens[count] = pick.token();
      logprobs[count] = pick.logprob();
      confidence[count] = pick.confidence();
      entropy[count] = pick.entropy();
      count++;
      String piece = "";
      if (spec.ends(pick.token())) {
        finish = FinishReason.EOS;
      } else {
        String before = text;
        String all = detok.decode(Arrays.copyOf(tokens, count));
        for (String stop : spec.stop()) {
          int at = all.indexOf(stop, Math.max(0, before.length() - maxStop + 1));
          if (!stop.isEmpty() && at >= 0) {
            all = all.substring(0, at + stop.length());
            finish = FinishReason.STOP;
            break;
          }
        }
        piece = all.startsWith(before) ? all.substring(before.length()) : all;
        text = all;
      }
      boolean more = listener.onToken(index, new TokenListener.TokenEvent(count - 1, piece, pick.logprob(), pick.confidence()));
      if (finish != null) return false;
      if (!more) {
        finish = FinishReason.CANCELLED;
        return false;
      }
      if (count >= spec.maxTokens() || promptLen + count >= maxPositions) {
        finish = FinishReason.LENGTH;
        return false;
      }
      return true;
    }

    Sequence finish(int cachedPromptTokens) {
      return new Sequence(index, Arrays.copyOf(tokens, count), text, finish == null ? FinishReason.LENGTH : finish,
          Arrays.copyOf(logprobs, count), Arrays.copyOf(confidence, count), Arrays.copyOf(entropy, count), cachedPromptTokens);
    }
  }
}
