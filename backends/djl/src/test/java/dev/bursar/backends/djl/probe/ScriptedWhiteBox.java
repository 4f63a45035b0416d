package dev.bursar.backends.djl.probe;

import dev.bursar.arithmetic.ArithmeticTask;
import dev.bursar.arithmetic.Problem;
import dev.bursar.arithmetic.Step;
import dev.bursar.arithmetic.StepChecker;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.Capability;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.TokenListener;
import dev.bursar.controller.WhiteBoxBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A scripted white-box backend, one character per token. Each rollout is the canonical solution,
 * or (half the time) one with an arithmetic slip at a random step. Its "hidden state" after layer
 * {@link #INFORMATIVE_LAYER} carries the exact label of the chain ending at that position plus
 * noise; the other layers are pure noise.
 */
final class ScriptedWhiteBox implements WhiteBoxBackend {
  static final int WIDTH = 6;
  static final int INFORMATIVE_LAYER = 2;
  int hiddenCalls;

  @Override public String name() { return "scripted"; }
  @Override public Set<Capability> capabilities() { return Set.of(Capability.HIDDEN_STATES, Capability.LOGPROBS); }
  @Override public int layers() { return 3; }
  @Override public int hiddenSize() { return WIDTH; }

  @Override
  public int[] encode(String text) {
    return text.chars().toArray();
  }

  @Override
  public String decode(int[] ids) {
    return new String(ids, 0, ids.length);
  }

  private volatile boolean closed;

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public List<Generation> generate(GenerationRequest request, TokenListener listener) {
    if (closed) throw new BackendException("scripted: closed", false);
    Problem p = ArithmeticTask.solve(StepChecker.expressionOf(request.prompt()));
    List<Generation> out = new ArrayList<>();
    for (int i = 0; i < request.n(); i++) {
      var r = new java.util.SplittableRandom(request.sampling().seed() * 31 + i);
      int slip = r.nextBoolean() ? r.nextInt(p.ops()) : -1;
      var sb = new StringBuilder(ArithmeticTask.THINK_OPEN);
      long answer = p.answer();
      for (int s = 0; s < p.ops(); s++) {
        Step st = p.steps().get(s);
        if (s == slip) {
          st = new Step(st.left(), st.op(), st.right(), st.result() + 1, st.rest());
          if (st.isFinal()) answer = st.result();
        }
        sb.append(st.line()).append('\n');
      }
      sb.append(ArithmeticTask.THINK_CLOSE).append(ArithmeticTask.ANSWER_MARKER).append(answer).append('\n');
      String text = sb.toString();
      // The contract: at most maxTokens (one per character), a logprob per token (LOGPROBS is declared).
      int n = Math.min(text.length(), request.maxTokens());
      double[] logprobs = new double[n];
      for (int t = 0; t < n; t++) {
        logprobs[t] = -0.1 - r.nextDouble();
        listener.onToken(i, new TokenListener.TokenEvent(t, String.valueOf(text.charAt(t)), logprobs[t], 0));
      }
      FinishReason finish = n < text.length() ? FinishReason.LENGTH : FinishReason.EOS;
      out.add(new Generation(i, text.substring(0, n), 0, n, finish, logprobs, null, null));
    }
    return out;
  }

  @Override
  public float[][] hiddenStates(String text, int layer, int[] positions) {
    hiddenCalls++;
    int nl = text.indexOf('\n');
    String prompt = text.substring(0, nl + 1);
    Problem p = ArithmeticTask.solve(StepChecker.expressionOf(prompt));
    float[][] out = new float[positions.length][];
    for (int k = 0; k < positions.length; k++) {
      int pos = positions[k] < 0 ? text.length() + positions[k] : positions[k];
      String completion = pos > nl ? text.substring(nl + 1, pos + 1) : ""; // a position in the prompt: no chain yet
      List<StepEvents.Event> ev = StepEvents.of(p, completion);
      boolean label = !ev.isEmpty() && ev.getLast().end() == completion.length() && ev.getLast().correct();
      var r = new Random(text.substring(0, pos + 1).hashCode() * 7L + layer);
      float[] h = new float[WIDTH];
      for (int j = 0; j < WIDTH; j++) h[j] = (float) (10 + 3 * r.nextGaussian());
      if (layer == INFORMATIVE_LAYER) h[2] += label ? 4 : -4;
      out[k] = h;
    }
    return out;
  }
}
