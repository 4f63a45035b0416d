package dev.bursar.controller;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One query to the controller.
 *
 * @param prompt the user's question or the full prompt
 * @param metadata caller metadata passed to the backend with every call (e.g. {@code qid} to find a
 *     recorded question in a replay backend, a user or tenant id for an upstream server)
 * @param hints what the client asked for; the policy honours them
 */
public record Request(String prompt, Map<String, String> metadata, Hints hints) {
  public Request {
    if (prompt.isBlank()) throw new IllegalArgumentException("prompt must not be blank");
    metadata = Map.copyOf(metadata);
  }

  public static Request of(String prompt) {
    return new Request(prompt, Map.of(), Hints.NONE);
  }

  public Request withHints(Hints h) {
    return new Request(prompt, metadata, h);
  }

  public Request withMetadata(Map<String, String> m) {
    return new Request(prompt, m, hints);
  }

  /**
   * What a client asked for. Every field is optional (null: no hint). A policy honours them
   * ({@link Plan#honouring(Hints)} applies the caps and sampling); the controller runs under
   * {@code budget} when it is given.
   *
   * @param mode the mode the client wants, overriding the policy's choice
   * @param budget the budget of this request instead of the controller's default
   * @param maxSamples cap on the samples of self-consistency
   * @param maxTokensPerSample cap on each sample's output tokens
   * @param temperature sampling temperature
   * @param seed sampling seed
   */
  public record Hints(
      Mode.@Nullable Kind mode,
      @Nullable Budget budget,
      @Nullable Integer maxSamples,
      @Nullable Integer maxTokensPerSample,
      @Nullable Double temperature,
      @Nullable Long seed) {
    public static final Hints NONE = new Hints(null, null, null, null, null, null);

    public Hints {
      if (maxSamples != null && maxSamples < 1) throw new IllegalArgumentException("maxSamples must be >= 1, was " + maxSamples);
      if (maxTokensPerSample != null && maxTokensPerSample < 1) {
        throw new IllegalArgumentException("maxTokensPerSample must be >= 1, was " + maxTokensPerSample);
      }
      if (temperature != null && !(temperature >= 0)) {
        throw new IllegalArgumentException("temperature must be >= 0, was " + temperature);
      }
    }

    public Hints withMode(Mode.@Nullable Kind m) {
      return new Hints(m, budget, maxSamples, maxTokensPerSample, temperature, seed);
    }

    public Hints withBudget(@Nullable Budget b) {
      return new Hints(mode, b, maxSamples, maxTokensPerSample, temperature, seed);
    }

    public Hints withMaxSamples(@Nullable Integer n) {
      return new Hints(mode, budget, n, maxTokensPerSample, temperature, seed);
    }

    public Hints withMaxTokensPerSample(@Nullable Integer n) {
      return new Hints(mode, budget, maxSamples, n, temperature, seed);
    }

    public Hints withTemperature(@Nullable Double t) {
      return new Hints(mode, budget, maxSamples, maxTokensPerSample, t, seed);
    }

    public Hints withSeed(@Nullable Long s) {
      return new Hints(mode, budget, maxSamples, maxTokensPerSample, temperature, s);
    }
  }
}
