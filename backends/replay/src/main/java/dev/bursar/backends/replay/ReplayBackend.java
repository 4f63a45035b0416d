package dev.bursar.backends.replay;

import dev.bursar.trace.Pool;
import dev.bursar.trace.TraceCodec;
import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.Capability;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.TokenListener;
import dev.bursar.trace.TraceRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serves recorded samples instead of calling a model. A request finds its question by the
 * {@code qid} attribute (and {@code pool} when several pools are loaded) or else by its prompt
 * text; each call returns the question's next {@code n} samples in the configured order, so
 * repeated calls for one question draw without replacement, as real sampling would. Once a
 * question's samples are used up, a call returns fewer generations than asked, then none (the
 * controller's self-consistency then stops with {@code exhausted}). Samples carry the pool's own
 * answers ({@link Capability#OWN_ANSWERS}).
 *
 * <p>Thread-safe; deterministic for a given order and seed. {@link #reset()} rewinds every question.
 */
public final class ReplayBackend implements Backend {
  private final String name;
  private final Map<String, TraceRecord> byKey = new HashMap<>();
  private final Map<String, TraceRecord> byQuestion = new HashMap<>();
  private final Map<String, Integer> cursor = new HashMap<>();
  // Each question's serving order: a pure function of (order, seed, qid), drawn once, not per call.
  private final Map<String, int[]> orderOf = new HashMap<>();
  private final SampleOrder order;
  private final long seed;
  private volatile boolean closed;

  public ReplayBackend(List<Pool> pools, SampleOrder order, long seed) {
    this.order = order;
    this.seed = seed;
    this.name = "replay:" + String.join("+", pools.stream().map(Pool::name).toList());
    for (Pool p : pools) {
      for (TraceRecord r : p.records()) {
        byKey.put(p.name() + "#" + r.qid(), r);
        byKey.putIfAbsent("#" + r.qid(), r);
        byQuestion.putIfAbsent(r.question(), r);
      }
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.OWN_ANSWERS);
  }

  /** Rewinds every question to its first sample. */
  public synchronized void reset() {
    cursor.clear();
  }

  /** After this, every call throws {@link BackendException}; the pools stay with their owner. */
  @Override
  public void close() {
    closed = true;
  }

  @Override
  public synchronized List<Generation> generate(GenerationRequest request, TokenListener listener) {
    if (closed) throw new BackendException(name + ": closed", false);
    TraceRecord r = find(request);
    String key = r.pool() + "#" + r.qid();
    int[] idx = orderOf.computeIfAbsent(key, k -> order.indices(r.samples().size(), seed, r.qid()));
    int from = cursor.getOrDefault(key, 0);
    int to = Math.min(idx.length, from + request.n());
    cursor.put(key, to);
    List<Generation> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      TraceRecord.Sample s = r.samples().get(idx[i]);
      // A recorded sample longer than the cap is charged the cap and, like a cut-off generation, has no answer.
      boolean cut = s.tokens() > request.maxTokens();
      out.add(new Generation(i - from, s.text() == null ? "" : s.text(), 0, cut ? request.maxTokens() : s.tokens(),
          cut ? FinishReason.LENGTH : FinishReason.RECORDED, null, null, cut ? null : s.answer(), 0,
          s.score() == null ? Double.NaN : s.score()));
    }
    return out;
  }

  private TraceRecord find(GenerationRequest request) {
    String qid = request.metadata().get("qid");
    if (qid != null) {
      String pool = request.metadata().getOrDefault("pool", "");
      TraceRecord r = byKey.get(pool + "#" + qid);
      if (r == null) throw new BackendException("replay: no recorded question " + pool + "#" + qid, false);
      return r;
    }
    TraceRecord r = byQuestion.get(request.prompt());
    if (r == null) {
      throw new BackendException("replay: no recorded question with this prompt; pass the qid in the request metadata", false);
    }
    return r;
  }
}
