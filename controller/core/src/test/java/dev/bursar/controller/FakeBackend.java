package dev.bursar.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * A scripted backend for tests: one character is one token. A script maps (prompt, draw number)
 * to the full continuation; the fake honours max tokens, stop sequences and cancellation exactly as
 * a real backend must, reports a logprob and a DeepConf confidence per token, and counts every
 * token it generates (also after a cancel would have been too late), so tests can check budgets and
 * cancellation.
 */
public final class FakeBackend implements WhiteBoxBackend {
  private final BiFunction<String, Integer, String> script;
  private final Set<Capability> capabilities;
  private final AtomicLong generated = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private int draws;
  /** Confidence of a token: the script may mark low-confidence stretches with '~'. */
  public double lowConfidence = 0.5;
  public double highConfidence = 3.0;

  public FakeBackend(BiFunction<String, Integer, String> script, Set<Capability> capabilities) {
    this.script = script;
    this.capabilities = capabilities;
  }

  public static FakeBackend of(BiFunction<String, Integer, String> script) {
    var caps = java.util.EnumSet.allOf(Capability.class);
    caps.remove(Capability.OWN_ANSWERS); // a live model: answers are read from the text
    return new FakeBackend(script, caps);
  }

  /** {@return tokens generated over the fake's life} */
  public long generatedTokens() {
    return generated.get();
  }

  public long calls() {
    return calls.get();
  }

  @Override public String name() { return "fake"; }
  @Override public Set<Capability> capabilities() { return capabilities; }

  private volatile boolean closed;

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public synchronized List<Generation> generate(GenerationRequest request, TokenListener listener) {
    if (closed) throw new BackendException("fake: closed", false);
    calls.incrementAndGet();
    List<Generation> out = new ArrayList<>();
    for (int i = 0; i < request.n(); i++) {
      String full = script.apply(request.prompt(), draws++);
      var text = new StringBuilder();
      List<Double> lp = new ArrayList<>();
      List<Double> conf = new ArrayList<>();
      FinishReason finish = FinishReason.EOS;
      int pos = 0;
      while (true) {
        if (pos >= full.length()) break;
        if (text.length() >= request.maxTokens()) {
          finish = FinishReason.LENGTH;
          break;
        }
        char c = full.charAt(pos++);
        generated.incrementAndGet();
        text.append(c);
        double cf = c == '~' ? lowConfidence : highConfidence;
        lp.add(c == '~' ? -2.0 : -0.05);
        conf.add(cf);
        boolean go = listener.onToken(i, new TokenListener.TokenEvent(text.length() - 1, String.valueOf(c), lp.getLast(), cf));
        String t = text.toString();
        if (request.stop().stream().anyMatch(t::endsWith)) {
          finish = FinishReason.STOP;
          break;
        }
        if (!go) {
          finish = FinishReason.CANCELLED;
          break;
        }
      }
      out.add(new Generation(i, text.toString(), request.prompt().length(), text.length(), finish,
          lp.stream().mapToDouble(Double::doubleValue).toArray(), conf.stream().mapToDouble(Double::doubleValue).toArray(),
          null));
    }
    return out;
  }

  @Override public int[] encode(String text) { return text.chars().toArray(); }
  @Override public String decode(int[] ids) { return new String(ids, 0, ids.length); }
  @Override public int layers() { return 1; }
  @Override public int hiddenSize() { return 1; }

  /** The hidden state is 1 when the text so far contains no 'x' (a "wrong step" marker), else 0. */
  @Override
  public float[][] hiddenStates(String text, int layer, int[] positions) {
    float[][] h = new float[positions.length][1];
    for (int i = 0; i < positions.length; i++) h[i][0] = text.contains("x") ? 0f : 1f;
    return h;
  }
}
