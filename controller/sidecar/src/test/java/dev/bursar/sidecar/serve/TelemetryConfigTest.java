package dev.bursar.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

final class TelemetryConfigTest {

  @Test
  void pricesPerModelWithADefaultForTheRest() {
    var cfg = new TelemetryConfig(0.1, 0.2, "EUR", 8, false, false);
    var prices = cfg.prices(Map.of("gpt-4o-mini.input", "0.15", "gpt-4o-mini.output", 0.6));
    assertThat(prices.cost("gpt-4o-mini", 1_000_000, 1_000_000)).isEqualTo(0.75);
    assertThat(prices.cost("other", 1_000_000, 1_000_000)).isEqualTo(0.1 + 0.2);
    assertThat(prices.currency()).isEqualTo("EUR");
    assertThatThrownBy(() -> cfg.prices(Map.of("m.in", "1"))).hasMessageContaining("prices.MODEL.input");
    assertThatThrownBy(() -> cfg.prices(Map.of("m.input", "cheap"))).hasMessageContaining("must be a number");
  }
}
