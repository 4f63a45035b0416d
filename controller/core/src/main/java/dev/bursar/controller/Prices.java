package dev.bursar.controller;

import java.util.Map;
import java.util.Objects;

/**
 * What tokens cost, per model: the price table behind {@code bursar.cost} and the proposed
 * {@code gen_ai.usage.cost.*} attributes. A model not in the table costs {@link #fallback}'s price.
 *
 * @param perModel prices by model name
 * @param fallback the price of any other model
 * @param currency ISO 4217 code of every price
 */
public record Prices(Map<String, Price> perModel, Price fallback, String currency) {
  /** Nothing is priced: cost is 0. */
  public static final Prices NONE = new Prices(Map.of(), new Price(0, 0), "USD");

  public Prices {
    perModel = Map.copyOf(perModel);
    Objects.requireNonNull(fallback, "fallback");
    Objects.requireNonNull(currency, "currency");
  }

  /** Price per million input tokens and per million output tokens. */
  public record Price(double inputPerMillion, double outputPerMillion) {
    public Price {
      if (!(inputPerMillion >= 0) || !(outputPerMillion >= 0)) {
        throw new IllegalArgumentException("prices must be >= 0, were " + inputPerMillion + " and " + outputPerMillion);
      }
    }
  }

  /** {@return the cost of {@code input} and {@code output} tokens on {@code model}} */
  public double cost(String model, long input, long output) {
    Price p = perModel.getOrDefault(model, fallback);
    return input / 1e6 * p.inputPerMillion() + output / 1e6 * p.outputPerMillion();
  }

  public boolean isPriced() {
    return !perModel.isEmpty() || fallback.inputPerMillion() > 0 || fallback.outputPerMillion() > 0;
  }
}
