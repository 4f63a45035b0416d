package dev.bursar.backends.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code --device auto|cpu|gpu}. */
final class DeviceChoiceTest {

  @Test
  void autoPicksAGpuWhenThereIsOneAndGpuFailsClearlyWithout() {
    assertThat(DjlBackend.parseDevice("auto", 0)).isEqualTo(Device.cpu());
    assertThat(DjlBackend.parseDevice("auto", 2)).isEqualTo(Device.gpu());
    assertThat(DjlBackend.parseDevice("CPU", 2)).isEqualTo(Device.cpu());
    assertThat(DjlBackend.parseDevice("gpu", 1)).isEqualTo(Device.gpu());
    assertThatThrownBy(() -> DjlBackend.parseDevice("gpu", 0)).hasMessageContaining("DJL sees no GPU").hasMessageContaining("PYTORCH_LIBRARY_PATH");
    assertThatThrownBy(() -> DjlBackend.parseDevice("tpu", 0)).hasMessageContaining("auto, cpu or gpu");
  }

  /** Runs only where a GPU is (CI excludes the gpu tag): the embedded model answers on it. */
  @Test
  @Tag("gpu")
  void theEmbeddedModelAnswersOnTheGpu() {
    try (var backend = DjlBackend.builder().embeddedModel().device("gpu").build()) {
      assertThat(backend.device().isGpu()).isTrue();
      var g = backend.generate(dev.bursar.controller.GenerationRequest.of(DjlBackend.prompt("17+25*3"), 1, 64,
          dev.bursar.controller.Sampling.GREEDY), dev.bursar.controller.TokenListener.NONE);
      assertThat(g.getFirst().text()).contains("92");
    }
  }
}
