package dev.bursar.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Backend} promises the controller, run by each backend module (in the manner of
 * LangChain4j's shared chat-model tests): extend it, return a fresh open backend from
 * {@link #newBackend()} and a prompt it can answer from {@link #prompt()}. A case that needs a
 * capability runs only when the backend declares it, so declaring one is a promise that is tested;
 * a capability that is not declared is not checked for absence.
 *
 * <p>Cases: at most {@code n} sequences in index order within the token cap, a sequence that hits
 * the cap ends with {@link FinishReason#LENGTH}; declared capabilities are honest
 * (log-probabilities, top-k confidence, hidden states, own answers); cancellation stops a sequence
 * at once and only that one; stop sequences are honoured; a closed backend throws
 * {@link BackendException}; seeded (and greedy) sampling repeats on fresh backends.
 *
 * <p>Cost: the cases that need no fresh backend call {@link #backend()}, by default one fresh
 * backend per case, closed after it; a backend that is expensive to build overrides it to share
 * one. Only {@link #close_thenGenerate_throwsBackendException} (one) and
 * {@link #seededSampling_repeatsOnFreshBackends} (two) build fresh ones through {@link #newBackend()}.
 */
public abstract class BackendContractTest {

  /** A cap that the answer to {@link #prompt()} runs past. */
  protected static final int SHORT_CAP = 3;

  private static final Sampling SEEDED = new Sampling(0.8, 1.0, 0, 42);

  private final List<Backend> opened = new ArrayList<>();
  private @Nullable Backend perCase;

  /** {@return a fresh, open backend; the contract closes what it creates} */
  protected abstract Backend newBackend();

  /**
   * {@return a prompt the backend answers with more than {@link #SHORT_CAP} tokens and at least
   * one newline (a recorded question for replay)}
   */
  protected String prompt() {
    return "Q:17+25*3\n";
  }

  /** {@return the metadata requests carry (e.g. a replay backend's {@code qid})} */
  protected Map<String, String> metadata() {
    return Map.of();
  }

  /**
   * {@return the open backend the cases that need no fresh one use; by default a fresh one per
   * case, closed after it. Override to share an expensive one (and close it yourself)}
   */
  protected Backend backend() {
    if (perCase == null) perCase = fresh();
    return perCase;
  }

  private Backend fresh() {
    Backend b = newBackend();
    opened.add(b);
    return b;
  }

  @AfterEach
  void closeWhatTheCaseOpened() {
    for (Backend b : opened) b.close();
    opened.clear();
  }

  private GenerationRequest request(int n, int maxTokens, Sampling sampling, List<String> stop, int topLogprobs) {
    return new GenerationRequest(prompt(), n, maxTokens, sampling, stop, topLogprobs, metadata());
  }

  // --- sequences and the token cap ---

  @Test
  void generate_returnsAtMostN_inIndexOrder() {
    List<Generation> out = backend().generate(request(3, 8, SEEDED, List.of(), 0), TokenListener.NONE);
    assertThat(out).as("the fixture has samples to give").hasSizeBetween(1, 3);
    for (int i = 0; i < out.size(); i++) {
      Generation g = out.get(i);
      assertThat(g.index()).as("index of sequence %d", i).isEqualTo(i);
      assertThat(g.text()).as("text of sequence %d", i).isNotNull();
      assertThat(g.outputTokens()).as("tokens of sequence %d", i).isBetween(0, 8);
      assertThat(g.finish()).as("finish of sequence %d, nobody cancelled", i).isNotEqualTo(FinishReason.CANCELLED);
    }
  }

  @Test
  void generate_lengthCap_isHonoured() {
    // The answer to the prompt runs past the cap: every sequence is cut there and says so.
    List<Generation> out = backend().generate(request(2, SHORT_CAP, SEEDED, List.of(), 0), TokenListener.NONE);
    assertThat(out).hasSizeBetween(1, 2);
    for (Generation g : out) {
      assertThat(g.outputTokens()).as("tokens of sequence %d", g.index()).isEqualTo(SHORT_CAP);
      assertThat(g.finish()).as("finish of sequence %d, cut at the cap", g.index()).isEqualTo(FinishReason.LENGTH);
    }
  }

  // --- declared capabilities are honest ---

  @Test
  void capabilities_logprobs_arePresentPerTokenWhenDeclared() {
    Backend b = backend();
    assumeTrue(b.capabilities().contains(Capability.LOGPROBS), "no LOGPROBS declared");
    List<Generation> out = b.generate(request(2, 12, SEEDED, List.of(), 0), TokenListener.NONE);
    assertThat(out).isNotEmpty();
    for (Generation g : out) {
      assertThat(g.tokenLogprobs()).as("logprobs of sequence %d", g.index()).isNotNull().hasSize(g.outputTokens());
      for (double lp : g.tokenLogprobs()) assertThat(lp).as("a log-probability").isLessThanOrEqualTo(1e-6);
      if (g.outputTokens() > 0) assertThat(g.meanLogprob()).isNotNaN();
    }
  }

  @Test
  void capabilities_topLogprobs_giveATokenConfidencePerTokenWhenDeclared() {
    Backend b = backend();
    assumeTrue(b.capabilities().contains(Capability.TOP_LOGPROBS), "no TOP_LOGPROBS declared");
    List<Generation> out = b.generate(request(2, 12, SEEDED, List.of(), 5), TokenListener.NONE);
    assertThat(out).isNotEmpty();
    for (Generation g : out) {
      assertThat(g.tokenConfidence()).as("confidence of sequence %d", g.index()).isNotNull().hasSize(g.outputTokens());
      // minus the mean of log-probabilities: never negative
      for (double c : g.tokenConfidence()) assertThat(c).as("a token confidence").isGreaterThanOrEqualTo(-1e-6);
    }
  }

  @Test
  void capabilities_hiddenStates_comeFromAWhiteBoxOfTheDeclaredWidth() {
    Backend b = backend();
    assumeTrue(b.capabilities().contains(Capability.HIDDEN_STATES), "no HIDDEN_STATES declared");
    assertThat(b).isInstanceOf(WhiteBoxBackend.class);
    var w = (WhiteBoxBackend) b;
    assertThat(w.layers()).isPositive();
    assertThat(w.hiddenSize()).isPositive();
    String text = prompt() + b.generate(request(1, 8, Sampling.GREEDY, List.of(), 0), TokenListener.NONE).getFirst().text();
    for (int layer : new int[] {1, w.layers()}) {
      float[][] h = w.hiddenStates(text, layer, new int[] {0, -1, -2});
      assertThat(h).as("states at layer %d", layer).hasNumberOfRows(3);
      for (float[] row : h) assertThat(row).as("a state at layer %d", layer).hasSize(w.hiddenSize());
    }
  }

  @Test
  void capabilities_ownAnswers_areCarriedWhenDeclared() {
    Backend b = backend();
    assumeTrue(b.capabilities().contains(Capability.OWN_ANSWERS), "no OWN_ANSWERS declared");
    List<Generation> out = b.generate(request(2, 10_000, SEEDED, List.of(), 0), TokenListener.NONE);
    assertThat(out).isNotEmpty().anySatisfy(g -> assertThat(g.answer()).isNotNull());
  }

  // --- cancellation ---

  @Test
  void cancellation_stopsThatSequenceAtOnce_andLeavesTheOthers() {
    Backend b = backend();
    assumeTrue(b.capabilities().contains(Capability.CANCELLATION), "no CANCELLATION declared");
    int victim = 1; // a middle sequence: the others sit on both sides of it
    int at = 2; // the listener cancels it on the token at this position
    Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
    Set<Integer> afterCancel = ConcurrentHashMap.newKeySet();
    Map<Integer, Boolean> cancelled = new ConcurrentHashMap<>();
    TokenListener listener = (seq, ev) -> {
      if (cancelled.containsKey(seq)) afterCancel.add(seq);
      seen.computeIfAbsent(seq, k -> Collections.synchronizedList(new ArrayList<>())).add(ev.position());
      if (seq == victim && ev.position() == at) {
        cancelled.put(seq, true);
        return false;
      }
      return true;
    };
    List<Generation> out = b.generate(request(3, 16, Sampling.GREEDY, List.of(), 0), listener);

    assertThat(out).hasSize(3);
    assertThat(afterCancel).as("sequences the listener was called for after it cancelled them").isEmpty();
    Generation v = out.get(victim);
    assertThat(v.finish()).isEqualTo(FinishReason.CANCELLED);
    assertThat(v.outputTokens()).isLessThanOrEqualTo(at + 1);
    assertThat(seen.get(victim)).as("positions the cancelled sequence reported").containsExactly(0, 1, 2);
    for (int i : new int[] {0, 2}) {
      Generation g = out.get(i);
      assertThat(g.finish()).as("finish of sequence %d", i).isNotEqualTo(FinishReason.CANCELLED);
      assertThat(g.outputTokens()).as("tokens of sequence %d", i).isGreaterThan(at + 1);
      List<Integer> expected = new ArrayList<>();
      for (int p = 0; p < g.outputTokens(); p++) expected.add(p);
      assertThat(seen.get(i)).as("the listener saw every token of sequence %d, in order", i).isEqualTo(expected);
    }
  }

  // --- stop sequences ---

  @Test
  void stopSequences_areHonoured() {
    Backend b = backend();
    assumeTrue(b.capabilities().contains(Capability.STEPWISE), "no STEPWISE declared");
    List<Generation> out = b.generate(request(2, 64, SEEDED, List.of("\n"), 0), TokenListener.NONE);
    assertThat(out).hasSize(2);
    for (Generation g : out) {
      int nl = g.text().indexOf('\n');
      assertThat(nl).as("the text stops at its first newline: %s", g.text()).isIn(-1, g.text().length() - 1);
      if (nl >= 0) {
        assertThat(g.finish()).as("finish of %s", g.text()).isEqualTo(FinishReason.STOP);
      } else { // the stop sequence may be left out of the text, or the sequence ended before one
        assertThat(g.finish()).as("finish of %s", g.text()).isIn(FinishReason.STOP, FinishReason.EOS, FinishReason.LENGTH);
      }
    }
  }

  // --- lifecycle ---

  @Test
  void close_thenGenerate_throwsBackendException() {
    Backend b = fresh();
    b.close();
    assertThatThrownBy(() -> b.generate(request(1, 4, Sampling.GREEDY, List.of(), 0), TokenListener.NONE))
        .isInstanceOf(BackendException.class);
  }

  // --- reproducibility ---

  @Test
  void seededSampling_repeatsOnFreshBackends() {
    Backend first = fresh();
    Backend second = fresh();
    for (Sampling s : List.of(SEEDED, Sampling.GREEDY)) {
      List<String> a = texts(first.generate(request(2, 16, s, List.of(), 0), TokenListener.NONE));
      List<String> c = texts(second.generate(request(2, 16, s, List.of(), 0), TokenListener.NONE));
      assertThat(a).as("sampling %s gives samples", s).isNotEmpty();
      assertThat(c).as("sampling %s on a second fresh backend", s).isEqualTo(a);
    }
  }

  private static List<String> texts(List<Generation> out) {
    return out.stream().map(g -> g.finish() + ":" + g.outputTokens() + ":" + g.text()).toList();
  }
}
