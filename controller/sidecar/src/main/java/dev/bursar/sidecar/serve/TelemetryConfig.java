package dev.bursar.sidecar.serve;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * What the sidecar's telemetry adds to the standard {@code OTEL_*} settings, under
 * {@code bursar.telemetry.*}.
 *
 * @param priceInput price per million input tokens, for {@code bursar.cost}
 * @param priceOutput price per million output tokens
 * @param currency ISO 4217 code of the prices
 * @param baselineSamples the baseline plan (self-consistency over this many samples) that
 *     {@code bursar.tokens.saved} is counted against
 * @param costAttributes add the proposed (not yet stable) {@code gen_ai.usage.cost.*} attributes
 * @param captureText put prompts and answers on spans (off: telemetry carries no text)
 */
@ConfigurationProperties("bursar.telemetry")
public record TelemetryConfig(
    @Bindable(defaultValue = "0") double priceInput,
    @Bindable(defaultValue = "0") double priceOutput,
    @Bindable(defaultValue = "USD") String currency,
    @Bindable(defaultValue = "8") int baselineSamples,
    @Bindable(defaultValue = "false") boolean costAttributes,
    @Bindable(defaultValue = "false") boolean captureText) {

  public TelemetryConfig {
    if (priceInput < 0 || priceOutput < 0) throw new IllegalArgumentException("bursar.telemetry prices must be >= 0");
    if (baselineSamples < 0) throw new IllegalArgumentException("bursar.telemetry.baseline-samples must be >= 0, was " + baselineSamples);
  }

  dev.bursar.controller.Prices prices() {
    return new dev.bursar.controller.Prices(java.util.Map.of(), new dev.bursar.controller.Prices.Price(priceInput, priceOutput), currency);
  }
}
