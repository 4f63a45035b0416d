package dev.bursar.sidecar.serve;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * What the sidecar's telemetry adds to the standard {@code OTEL_*} settings, under
 * {@code bursar.telemetry.*}.
 *
 * @param priceInput price per million input tokens of any model not under {@code prices}, for
 *     {@code bursar.cost}
 * @param priceOutput price per million output tokens of such a model; per model:
 *     {@code bursar.telemetry.prices.MODEL.input} and {@code .output}
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

  /** {@return the price table: {@code perModel} (from {@code bursar.telemetry.prices.MODEL.input|output}) and the default price} */
  dev.bursar.controller.Prices prices(java.util.Map<String, Object> perModel) {
    var table = new java.util.HashMap<String, double[]>();
    perModel.forEach((key, value) -> {
      int dot = key.lastIndexOf('.');
      String side = dot < 0 ? "" : key.substring(dot + 1);
      if (dot < 0 || !(side.equals("input") || side.equals("output"))) {
        throw new IllegalArgumentException("bursar.telemetry.prices." + key + ": expected prices.MODEL.input or prices.MODEL.output");
      }
      double price;
      try {
        price = Double.parseDouble(String.valueOf(value));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bursar.telemetry.prices." + key + " must be a number (per million tokens), was " + value);
      }
      table.computeIfAbsent(key.substring(0, dot), k -> new double[2])[side.equals("input") ? 0 : 1] = price;
    });
    var models = new java.util.HashMap<String, dev.bursar.controller.Prices.Price>();
    table.forEach((model, p) -> models.put(model, new dev.bursar.controller.Prices.Price(p[0], p[1])));
    return new dev.bursar.controller.Prices(models, new dev.bursar.controller.Prices.Price(priceInput, priceOutput), currency);
  }
}
