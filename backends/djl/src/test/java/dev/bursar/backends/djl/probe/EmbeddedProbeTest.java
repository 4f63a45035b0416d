package dev.bursar.backends.djl.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bursar.backends.djl.DjlBackend;
import dev.bursar.backends.djl.EmbeddedModel;
import dev.bursar.controller.LinearProbe;
import org.junit.jupiter.api.Test;

/** The committed probe: loads, fits the embedded model's width, scores its hidden states. */
final class EmbeddedProbeTest {

  @Test
  void committedProbe_loadsAndScoresAnEmbeddedHiddenState() {
    assumeTrue(EmbeddedProbe.available(), "prm-probe.properties is not committed yet (run `bursar train-probe`)");
    LinearProbe probe = EmbeddedProbe.load();
    assertThat(EmbeddedProbe.load()).isSameAs(probe);
    assertThat(EmbeddedProbe.metadata().getProperty("auc")).isNotBlank();
    assumeTrue(EmbeddedModel.available(), "the embedded model's weights are not committed yet");
    try (DjlBackend b = DjlBackend.builder().embeddedModel().build()) {
      assertThat(probe.weights()).hasSize(b.hiddenSize());
      assertThat(probe.layer()).isBetween(1, b.layers());
      float[] h = b.hiddenStates("Q:17+25*3\n<think>25*3=75;17+75\n", probe.layer(), new int[] {-1})[0];
      double s = probe.score(h);
      assertThat(s).isStrictlyBetween(0.0, 1.0);
    }
  }
}
