package dev.bursar.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Backend} promises the controller, run by each backend module (in the manner of
 * LangChain4j's shared chat-model tests): extend it, return a fresh open backend from
 * {@link #newBackend()} and a prompt it can answer from {@link #prompt()}. A case that needs a
 * capability runs only when the backend declares it, so declaring one is a promise that is tested.
 *
 * <p>Cases: at most {@code n} sequences in index order within the token cap; declared capabilities
 * are honest (log-probabilities, top-k confidence, hidden states, own answers); cancellation stops
 * a sequence at once and only that one; stop sequences are honoured; a closed backend throws
 * {@link BackendException}; seeded sampling repeats on fresh backends.
 */
public abstract class BackendContractTest {

  /** {@return a fresh, open backend; the contract closes what it creates} */
  protected abstract Backend newBackend();

  /** {@return a prompt the backend answers with at least a few tokens (a recorded question for replay)} */
  protected String prompt() {
    return "Q:17+25*3\n";
  }

  /** {@return the metadata requests carry (e.g. a replay backend's {@code qid})} */
  protected Map<String, String> metadata() {
    return Map.of();
  }

  /** {@return the backend the cases that need no fresh one share; override to reuse an expensive one} */
  protected Backend backend() {
    return newBackend();
  }

  private GenerationRequest request(int n, int maxTokens, Sampling sampling, List<String> stop, int topLogprobs) {
    return new GenerationRequest(prompt(), n, maxTokens, sampling, stop, topLogprobs, metadata());
  }

  private static final Sampling SEEDED = new Sampling(0.8, 1.0, 0, 42);

  @Test
  void generate_returnsAtMostNSequences_inIndexOrder_withinTheTokenCap() {
    List<Generation> out = backend().generate(request(3, 8, SEEDED, List.of(), 0), TokenListener.NONE);
    assertThat(out).hasSizeBetween(1, 3);
    for (int i = 0; i < out.size(); i++) {
      Generation g = out.get(i);
      assertThat(g.index()).as("index of sequence %d", i).isEqualTo(i);
      assertThat(g.outputTokens()).as("tokens of sequence %d", i).isBetween(0, 8);
      if (g.finish() == FinishReason.LENGTH) assertThat(g.outputTokens()).isEqualTo(8);
      assertThat(g.finish()).isNotEqualTo(FinishReason.CANCELLED);
    }
  }

  @Test
  void capabilities_logprobs_arePresentPerTokenWhenDeclared() {
    Backend b = backend();
    assumeTrue(b.capabilities().contains(Capability.LOGPROBS), "no LOGPROBS declared");
    for (Generation g : b.generate(request(2, 12, SEEDED, List.of(), 0), TokenListener.NONE)) {
      assertThat(g.tokenLogprobs()).isNotNull().hasSize(g.outputTokens());
      for (double lp : g.tokenLogprobs()) assertThat(lp).isLessThanOrEqualTo(1e-6);
      assertThat(g.meanLogprob()).isNotNaN();
    }
  }

  @Test
  void capabilities_topLogprobs_giveATokenConfidencePerTokenWhenDeclared() {
    Backend b = backend();
    assumeTrue(b.capabilities().contains(Capability.TOP_LOGPROBS), "no TOP_LOGPROBS declared");
    for (Generation g : b.generate(request(2, 12, SEEDED, List.of(), 5), TokenListener.NONE)) {
      assertThat(g.tokenConfidence()).isNotNull().hasSize(g.outputTokens());
    }
  }

  @Test
  void capabilities_hiddenStates_comeFromAWhiteBoxOfTheDeclaredWidth() {
    Backend b = backend();
    assumeTrue(b.capabilities().contains(Capability.HIDDEN_STATES), "no HIDDEN_STATES declared");
    assertThat(b).isInstanceOf(WhiteBoxBackend.class);
    var w = (WhiteBoxBackend) b;
    String text = prompt() + b.generate(request(1, 8, Sampling.GREEDY, List.of(), 0), TokenListener.NONE).getFirst().text();
    float[][] h = w.hiddenStates(text, w.layers(), new int[] {-1, -2});
    assertThat(h).hasNumberOfRows(2);
    assertThat(h[0]).hasSize(w.hiddenSize());
  }

  @Test
  void capabilities_ownAnswers_areCarriedOnlyWhenDeclared() {
    Backend b = backend();
    List<Generation> out = b.generate(request(2, 10_000, SEEDED, List.of(), 0), TokenListener.NONE);
    if (b.capabilities().contains(Capability.OWN_ANSWERS)) {
      assertThat(out).anySatisfy(g -> assertThat(g.answer()).isNotNull());
    } else {
      assertThat(out).allSatisfy(g -> assertThat(g.answer()).isNull());
    }
  }

  @Test
  void cancellation_stopsThatSequenceAtOnce_andLeavesTheOthers() {
    Backend b = backend();
    assumeTrue(b.capabilities().contains(Capability.CANCELLATION), "no CANCELLATION declared");
    var afterCancel = new AtomicBoolean();
    var cancelled = new AtomicBoolean();
    List<Integer> positions = new ArrayList<>();
    TokenListener cancelFirstAtThree = (seq, ev) -> {
      if (seq != 0) return true;
      synchronized (positions) {
        positions.add(ev.position());
      }
      if (cancelled.get()) afterCancel.set(true);
      if (ev.position() == 2) {
        cancelled.set(true);
        return false;
      }
      return true;
    };
    List<Generation> out = b.generate(request(2, 16, Sampling.GREEDY, List.of(), 0), cancelFirstAtThree);
    assertThat(out).hasSize(2);
    assertThat(out.get(0).finish()).isEqualTo(FinishReason.CANCELLED);
    assertThat(out.get(0).outputTokens()).isLessThanOrEqualTo(3);
    assertThat(afterCancel).as("the listener was called again after it cancelled the sequence").isFalse();
    assertThat(out.get(1).finish()).isNotEqualTo(FinishReason.CANCELLED);
    assertThat(out.get(1).outputTokens()).isGreaterThan(out.get(0).outputTokens());
  }

  @Test
  void stopSequences_areHonoured() {
    Backend b = backend();
    assumeTrue(b.capabilities().contains(Capability.STEPWISE), "no STEPWISE declared");
    Generation g = b.generate(request(1, 64, Sampling.GREEDY, List.of("\n"), 0), TokenListener.NONE).getFirst();
    int nl = g.text().indexOf('\n');
    assertThat(nl).as("the text stops at its first newline: %s", g.text()).isIn(-1, g.text().length() - 1);
    if (nl >= 0) assertThat(g.finish()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void close_thenGenerate_throwsBackendException() throws Exception {
    Backend b = newBackend();
    b.close();
    assertThatThrownBy(() -> b.generate(request(1, 4, Sampling.GREEDY, List.of(), 0), TokenListener.NONE))
        .isInstanceOf(BackendException.class);
  }

  @Test
  void seededSampling_repeatsOnFreshBackends_andGreedyToo() throws Exception {
    for (Sampling s : List.of(SEEDED, Sampling.GREEDY)) {
      try (Backend first = newBackend(); Backend second = newBackend()) {
        var a = first.generate(request(2, 16, s, List.of(), 0), TokenListener.NONE).stream().map(Generation::text).toList();
        var c = second.generate(request(2, 16, s, List.of(), 0), TokenListener.NONE).stream().map(Generation::text).toList();
        assertThat(c).as("sampling %s", s).isEqualTo(a);
      }
    }
  }
}
