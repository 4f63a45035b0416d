package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.bursar.backends.djl.EmbeddedModel;
import dev.bursar.controller.Backend;
import dev.bursar.controller.BackendException;
import dev.bursar.controller.ComputeController;
import dev.bursar.controller.GenerationRequest;
import dev.bursar.controller.Sampling;
import dev.bursar.controller.TokenListener;
import io.micronaut.context.ApplicationContext;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The real backend bean: the embedded model (or the checkpoint in {@code -Dbursar.test.model-dir}),
 * loaded once and closed with the context. Skipped while the embedded weights are not in the build.
 */
final class SidecarFactoryTest {

  @Test
  void backend_realModel_isOneSingletonClosedWithTheContext() {
    String dir = System.getProperty("bursar.test.model-dir");
    assumeThat(dir != null || EmbeddedModel.available())
        .as("the embedded model's weights are not in this build and -Dbursar.test.model-dir is not set").isTrue();
    Map<String, Object> props = new HashMap<>();
    if (dir != null) props.put("bursar.sidecar.model-dir", dir);
    Backend backend;
    try (var ctx = ApplicationContext.run(props)) {
      backend = ctx.getBean(Backend.class);
      ComputeController controller = ctx.getBean(ComputeController.class);

      // the embedded model stays white-box behind the client scope (the remaining-length head and probes read it)
      assertThat(((ClientScope.ScopedWhiteBox) controller.backend()).delegate()).isSameAs(backend);
      assertThat(ctx.getBean(Backend.class)).isSameAs(backend);
      assertThat(controller.fallbackPlan()).isEqualTo(SidecarFactory.DEFAULT_PLAN);
      assertThat(controller.policy().description()).isEqualTo("Presets{default " + SidecarFactory.DEFAULT_PLAN.describe() + "}");
      assertThat(backend.generate(GenerationRequest.of("Q:1+2\n", 1, 4, Sampling.GREEDY), TokenListener.NONE))
          .hasSize(1);
    }
    Assertions.assertThatThrownBy(() -> backend.generate(GenerationRequest.of("Q:1+2\n", 1, 4, Sampling.GREEDY),
            TokenListener.NONE))
        // Closed: the backend refuses, or its native tokenizer is already released.
        .satisfiesAnyOf(
            e -> assertThat(e).isInstanceOf(BackendException.class).hasMessageContaining("is closed"),
            e -> assertThat(e).hasMessageContaining("Native resource has been released"));
  }
}
