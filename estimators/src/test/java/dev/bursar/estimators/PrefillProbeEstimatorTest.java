package dev.bursar.estimators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bursar.controller.Estimate;
import dev.bursar.controller.Estimator;
import dev.bursar.controller.FakeBackend;
import dev.bursar.controller.Features;
import dev.bursar.controller.LinearProbe;
import dev.bursar.controller.Request;
import org.junit.jupiter.api.Test;

final class PrefillProbeEstimatorTest {
  /** The base: a fixed difficulty and length, as the text estimator would give. */
  private static final Estimator BASE = (request, features) -> new Estimate(0.5, 2, 10, "text");
  /** FakeBackend's one-wide hidden state is 1 without an 'x' in the text, 0 with one. */
  private static final LinearProbe PROBE = new LinearProbe(1, -2, new double[] {4}, new double[] {0}, new double[] {1});

  @Test
  void estimate_readsPCorrectFromThePrefillAndKeepsTheBaseLength() {
    var e = new PrefillProbeEstimator(BASE, FakeBackend.of((p, i) -> "1"), PROBE);
    Estimate clean = e.estimate(Request.of("what is 2 + 2?"), Features.NONE);
    Estimate marked = e.estimate(Request.of("what is x + 2?"), Features.NONE);
    assertThat(clean.pCorrect()).isEqualTo(1 / (1 + Math.exp(-2)));
    assertThat(marked.pCorrect()).isEqualTo(1 / (1 + Math.exp(2)));
    assertThat(clean.lengthShape()).isEqualTo(2);
    assertThat(clean.lengthScale()).isEqualTo(10);
    assertThat(clean.source()).isEqualTo("text+prefill-probe(layer 1)");
  }

  @Test
  void estimate_whenTheBackendFails_keepsTheBaseEstimate() {
    FakeBackend fake = FakeBackend.of((p, i) -> "1");
    var failing = new dev.bursar.controller.WhiteBoxBackend() {
      @Override public String name() { return fake.name(); }
      @Override public java.util.Set<dev.bursar.controller.Capability> capabilities() { return fake.capabilities(); }
      @Override public java.util.List<dev.bursar.controller.Generation> generate(dev.bursar.controller.GenerationRequest r,
          dev.bursar.controller.TokenListener l) { return fake.generate(r, l); }
      @Override public int[] encode(String text) { return fake.encode(text); }
      @Override public String decode(int[] ids) { return fake.decode(ids); }
      @Override public int layers() { return 1; }
      @Override public int hiddenSize() { return 1; }
      @Override public float[][] hiddenStates(String text, int layer, int[] positions) {
        throw new dev.bursar.controller.BackendException("the model is closed", false);
      }
    };
    var e = new PrefillProbeEstimator(BASE, failing, PROBE);
    assertThat(e.estimate(Request.of("what is 2 + 2?"), Features.NONE)).isEqualTo(BASE.estimate(null, null));
  }

  @Test
  void construct_aProbeOfAnotherWidth_saysItWasFittedOnAnotherModel() {
    var wide = new LinearProbe(1, 0, new double[] {1, 1}, new double[] {0, 0}, new double[] {1, 1});
    assertThatThrownBy(() -> new PrefillProbeEstimator(BASE, FakeBackend.of((p, i) -> "1"), wide))
        .hasMessageContaining("2 values").hasMessageContaining("another model");
  }

  @Test
  void construct_aLayerTheModelLacks_saysWhich() {
    var deep = new LinearProbe(3, 0, new double[] {1}, new double[] {0}, new double[] {1});
    assertThatThrownBy(() -> new PrefillProbeEstimator(BASE, FakeBackend.of((p, i) -> "1"), deep))
        .hasMessageContaining("layer 3").hasMessageContaining("1..1");
  }
}
