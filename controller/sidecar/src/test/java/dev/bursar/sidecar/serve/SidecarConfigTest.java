package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class SidecarConfigTest {

  @Test
  void bind_applicationYml_givesTheDocumentedDefaults() {
    try (var ctx = ApplicationContext.run()) {
      SidecarConfig c = ctx.getBean(SidecarConfig.class);

      assertThat(c.maxConcurrent()).isEqualTo(4);
      assertThat(c.budgetTokens()).isEqualTo(2048);
      assertThat(c.deadline()).isEqualTo(Duration.ofSeconds(20));
      assertThat(c.modelDir()).isNull();
    }
  }

  @Test
  void bind_properties_overrideTheDefaults() {
    try (var ctx = ApplicationContext.run(Map.of("bursar.sidecar.max-concurrent", 9, "bursar.sidecar.deadline", "5s",
        "bursar.sidecar.model-dir", "/models/x"))) {
      SidecarConfig c = ctx.getBean(SidecarConfig.class);

      assertThat(c.maxConcurrent()).isEqualTo(9);
      assertThat(c.deadline()).isEqualTo(Duration.ofSeconds(5));
      assertThat(c.modelDir()).isEqualTo("/models/x");
    }
  }

  @Test
  void bind_zeroConcurrency_failsNamingTheSetting() {
    try (var ctx = ApplicationContext.run(Map.of("bursar.sidecar.max-concurrent", 0))) {
      assertThatThrownBy(() -> ctx.getBean(SidecarConfig.class))
          .hasRootCauseMessage("bursar.sidecar.max-concurrent must be >= 1, was 0");
    }
  }

  @Test
  void backend_missingModelDir_failsSayingWhatToPass() {
    try (var ctx = ApplicationContext.run(Map.of("bursar.sidecar.model-dir", "/nonexistent/checkpoint"))) {
      assertThatThrownBy(() -> ctx.getBean(dev.bursar.controller.Backend.class))
          .rootCause()
          .hasMessageStartingWith("--model-dir /nonexistent/checkpoint is not a directory")
          .hasMessageContaining("./bursar train-model --out DIR");
    }
  }
}
