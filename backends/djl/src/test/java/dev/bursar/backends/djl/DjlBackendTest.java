package dev.bursar.backends.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.bursar.backends.djl.internal.LlamaConfig;
import dev.bursar.backends.djl.internal.LlamaModel;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.Capability;
import dev.bursar.controller.FinishReason;
import dev.bursar.controller.Generation;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The backend over a tiny random checkpoint: sampling, caches, cancellation, stops, hidden states. */
final class DjlBackendTest {
  private static final String PROMPT = "Q:12+34*5\n<think>";
  private static final Sampling HOT = new Sampling(1.0, 1.0, 0, 42);
  private static Path dir;
  private static DjlBackend backend;
  private static DjlBackend uncached;

  @BeforeAll
  static void init() throws Exception {
    dir = TinyModels.write(Files.createTempDirectory("tiny"), TinyModels.config(true), 11);
    backend = DjlBackend.builder().modelDirectory(dir).build();
    uncached = DjlBackend.builder().modelDirectory(dir).prefixCacheBytes(0).build();
  }

  @AfterAll
  static void close() {
    backend.close();
    uncached.close();
  }

  private static List<Generation> run(DjlBackend b, String prompt, int n, int max, Sampling s) {
    return b.generate(GenerationRequest.of(prompt, n, max, s), TokenListener.NONE);
  }

  @Test
  void capabilities_includeWhiteBoxSignals() {
    assertThat(backend.capabilities()).contains(Capability.LOGPROBS, Capability.TOP_LOGPROBS, Capability.HIDDEN_STATES,
        Capability.CANCELLATION, Capability.STEPWISE);
    assertThat(backend.layers()).isEqualTo(2);
    assertThat(backend.hiddenSize()).isEqualTo(32);
  }

  @Test
  void samplingOnTheDevice_givesTheHostSamplersGenerations() {
    try (DjlBackend onDevice = DjlBackend.builder().modelDirectory(dir).sampleOnDevice(true).build();
        DjlBackend onHost = DjlBackend.builder().modelDirectory(dir).sampleOnDevice(false).build()) {
      for (Sampling s : List.of(Sampling.GREEDY, HOT, new Sampling(0.8, 0.9, 10, 7))) {
        List<Generation> a = run(onDevice, PROMPT, 4, 24, s);
        List<Generation> b = run(onHost, PROMPT, 4, 24, s);
        for (int i = 0; i < 4; i++) {
          assertThat(a.get(i).text()).as(s + " sequence " + i).isEqualTo(b.get(i).text());
          assertThat(a.get(i).finish()).isEqualTo(b.get(i).finish());
        }
      }
    }
  }

  @Test
  void tokenizer_roundTripsTaskText() {
    String text = "Q:17+25*3\n<think>25*3=75;17+75\n</think>A:92\n";
    assertThat(backend.decode(backend.encode(text))).isEqualTo(text);
    assertThat(backend.encode(text)).containsExactly(dev.bursar.arithmetic.CharTokenizer.INSTANCE.encode(text));
  }

  @Test
  void generate_sameSeed_isDeterministic_otherSeedDiffers() {
    List<Generation> a = run(backend, PROMPT, 4, 24, HOT);
    List<Generation> b = run(uncached, PROMPT, 4, 24, HOT);
    List<Generation> c = run(backend, PROMPT, 4, 24, HOT.withSeed(43));
    assertThat(a).extracting(Generation::text).containsExactlyElementsOf(b.stream().map(Generation::text).toList());
    assertThat(a).extracting(Generation::text).isNotEqualTo(c.stream().map(Generation::text).toList());
    // sequences of one call differ from each other (independent streams)
    assertThat(a.stream().map(Generation::text).distinct().count()).isGreaterThan(1);
  }

  @Test
  void generate_batched_equalsUnbatched() {
    List<Generation> batch = run(backend, PROMPT, 6, 20, HOT);
    // sequence i's stream derives from (seed, i) only: sequence 0 of a batch of 6 is the n=1 call
    Generation single = run(uncached, PROMPT, 1, 20, HOT).getFirst();
    assertThat(batch.getFirst().text()).isEqualTo(single.text());
    assertThat(batch.getFirst().tokenLogprobs()).containsExactly(single.tokenLogprobs(), within(1e-4));
    List<Generation> greedy = run(backend, PROMPT, 3, 20, Sampling.GREEDY);
    assertThat(greedy).extracting(Generation::text).containsOnly(run(uncached, PROMPT, 1, 20, Sampling.GREEDY).getFirst().text());
  }

  @Test
  void prefixCacheHit_equalsMiss_andSkipsThePrefill() {
    String prompt = "Q:98-7*6\n";
    DjlBackend.Stats before = backend.stats();
    Generation miss = run(backend, prompt, 2, 16, HOT).getFirst();
    DjlBackend.Stats afterMiss = backend.stats();
    Generation hit = run(backend, prompt, 2, 16, HOT).getFirst();
    DjlBackend.Stats afterHit = backend.stats();
    Generation cold = run(uncached, prompt, 2, 16, HOT).getFirst();
    assertThat(hit.text()).isEqualTo(miss.text()).isEqualTo(cold.text());
    assertThat(hit.tokenLogprobs()).containsExactly(cold.tokenLogprobs(), within(1e-4));
    int promptTokens = promptTokens(prompt);
    assertThat(afterMiss.prefillTokens() - before.prefillTokens()).isEqualTo(promptTokens);
    assertThat(afterHit.prefillTokens()).isEqualTo(afterMiss.prefillTokens());
    assertThat(afterHit.cacheHits()).isGreaterThan(afterMiss.cacheHits());
  }

  @Test
  void prefixCache_longestPrefixMatch_prefillsOnlyTheNewSteps() {
    String question = "Q:45+6*7-8\n<think>";
    run(backend, question, 1, 2, Sampling.GREEDY);
    DjlBackend.Stats s0 = backend.stats();
    String withStep = question + "6*7=42;45+42-8\n";
    List<Generation> resumed = run(backend, withStep, 2, 8, HOT);
    DjlBackend.Stats s1 = backend.stats();
    assertThat(s1.prefillTokens() - s0.prefillTokens()).isEqualTo(promptTokens(withStep) - promptTokens(question));
    assertThat(s1.tokensReused() - s0.tokensReused()).isEqualTo(promptTokens(question));
    assertThat(resumed).extracting(Generation::text).containsExactlyElementsOf(
        run(uncached, withStep, 2, 8, HOT).stream().map(Generation::text).toList());
  }

  @Test
  void cancel_stopsTheSequenceAndItsCompute() {
    AtomicInteger afterCancel = new AtomicInteger();
    int[] seen = new int[4];
    TokenListener cancelSecondAt3 = (seq, ev) -> {
      seen[seq]++;
      if (seq == 1 && ev.position() >= 3) afterCancel.incrementAndGet();
      return !(seq == 1 && ev.position() == 2);
    };
    DjlBackend.Stats before = uncached.stats();
    List<Generation> g = uncached.generate(GenerationRequest.of(PROMPT, 4, 30, HOT), cancelSecondAt3);
    DjlBackend.Stats after = uncached.stats();
    assertThat(g.get(1).finish()).isEqualTo(FinishReason.CANCELLED);
    assertThat(g.get(1).outputTokens()).isEqualTo(3);
    assertThat(afterCancel.get()).isZero();
    assertThat(seen[1]).isEqualTo(3);
    // every sequence is run through the model once per token except its last; the cancelled one
    // stops costing anything right after its third token
    long expected = g.stream().mapToLong(x -> x.outputTokens() - 1).sum();
    assertThat(after.decodeTokens() - before.decodeTokens()).isEqualTo(expected);
    assertThat(g.get(0).outputTokens()).isGreaterThan(3);
  }

  @Test
  void stopSequence_endsRightAfterIt() {
    Generation free = run(backend, PROMPT, 1, 30, Sampling.GREEDY).getFirst();
    String stop = free.text().substring(4, 5);
    int first = free.text().indexOf(stop);
    Generation stopped = backend.generate(
        GenerationRequest.of(PROMPT, 1, 30, Sampling.GREEDY).withStop(List.of(stop)), TokenListener.NONE).getFirst();
    assertThat(stopped.finish()).isEqualTo(FinishReason.STOP);
    assertThat(stopped.text()).isEqualTo(free.text().substring(0, first + 1));
  }

  @Test
  void maxTokens_endsWithLength_andReportsSignals() {
    Generation g = backend.generate(GenerationRequest.of(PROMPT, 1, 5, Sampling.GREEDY).withTopLogprobs(1), TokenListener.NONE).getFirst();
    assertThat(g.finish()).isEqualTo(FinishReason.LENGTH);
    assertThat(g.outputTokens()).isEqualTo(5);
    assertThat(g.inputTokens()).isEqualTo(promptTokens(PROMPT));
    // greedy with k=1: the token is the top one, so confidence is minus its log-probability
    for (int i = 0; i < 5; i++) assertThat(g.tokenConfidence()[i]).isCloseTo(-g.tokenLogprobs()[i], within(1e-9));
    var d = backend.generateDetailed(GenerationRequest.of(PROMPT, 1, 5, Sampling.GREEDY), TokenListener.NONE).getFirst();
    assertThat(d.entropy()).hasSize(5);
    for (double e : d.entropy()) assertThat(e).isBetween(0.0, Math.log(27) + 1e-9);
  }

  @Test
  void hiddenStates_matchADirectForwardPass_withAndWithoutCache() {
    String text = "Q:3*4+5\n<think>3*4=12;12+5\n";
    int[] ids = backend.encode(text);
    float[][] direct;
    try (LlamaModel m = LlamaModel.load(LlamaConfig.read(dir.resolve("config.json")), dir.resolve("model.safetensors"), ai.djl.Device.cpu());
        NDManager scope = NDManager.newBaseManager()) {
      float[] flat = m.forward(LlamaModel.ids(scope, new int[][] {ids}), 0, null, 1, false).hidden().toFloatArray();
      direct = new float[][] {java.util.Arrays.copyOfRange(flat, 0, 32), java.util.Arrays.copyOfRange(flat, (ids.length - 1) * 32, ids.length * 32)};
    }
    float[][] first = backend.hiddenStates(text, 1, new int[] {0, -1});
    float[][] again = backend.hiddenStates(text, 1, new int[] {-1});
    run(backend, text, 1, 1, Sampling.GREEDY);
    float[][] last = backend.hiddenStates(text + "12+5=17", 1, new int[] {ids.length - 1});
    assertThat(first[0]).containsExactly(direct[0], within(1e-4f));
    assertThat(first[1]).containsExactly(direct[1], within(1e-4f));
    assertThat(again[0]).containsExactly(direct[1], within(1e-4f));
    assertThat(last[0]).containsExactly(direct[1], within(1e-4f));
    assertThat(backend.hiddenStates(text, 2, new int[] {-1})[0]).isNotEqualTo(direct[1]);
    assertThatThrownBy(() -> backend.hiddenStates(text, 3, new int[] {0})).isInstanceOf(BackendException.class);
  }

  @Test
  void builder_rejectsSecondModelAndMissingFiles() {
    assertThatThrownBy(() -> DjlBackend.builder().modelDirectory(dir).modelDirectory(dir)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DjlBackend.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DjlBackend.builder().modelDirectory(dir.resolve("nope")).build())
        .hasMessageContaining("missing config.json");
  }

  @Test
  void generate_afterClose_failsWithBackendException() {
    var b = DjlBackend.builder().modelDirectory(dir).build();
    b.close();
    assertThatThrownBy(() -> run(b, PROMPT, 1, 4, HOT)).isInstanceOf(BackendException.class).hasMessageContaining("is closed");
    assertThatThrownBy(() -> b.hiddenStates(PROMPT, 1, new int[] {0})).isInstanceOf(BackendException.class);
  }

  /** Prompt tokens as the backend charges them (the embedded tokenizer adds no special tokens). */
  private static int promptTokens(String text) {
    return backend.encode(text).length;
  }
}
