package dev.bursar.controller;

import java.time.Duration;

/**
 * What one request cost.
 *
 * @param inputTokens prompt tokens charged
 * @param outputTokens output tokens generated, including tokens of cancelled sequences, probes and
 *     search expansions
 * @param samples samples drawn (including cancelled ones)
 * @param elapsed wall-clock time spent
 * @param cachedInputTokens of {@code inputTokens}, those a prefix cache served
 */
public record Spend(long inputTokens, long outputTokens, int samples, Duration elapsed, long cachedInputTokens) {
  public static final Spend NONE = new Spend(0, 0, 0, Duration.ZERO, 0);

  public Spend(long inputTokens, long outputTokens, int samples, Duration elapsed) {
    this(inputTokens, outputTokens, samples, elapsed, 0);
  }

  public Spend {
    if (inputTokens < 0) throw new IllegalArgumentException("inputTokens must be >= 0, was " + inputTokens);
    if (outputTokens < 0) throw new IllegalArgumentException("outputTokens must be >= 0, was " + outputTokens);
    if (samples < 0) throw new IllegalArgumentException("samples must be >= 0, was " + samples);
    if (cachedInputTokens < 0) throw new IllegalArgumentException("cachedInputTokens must be >= 0, was " + cachedInputTokens);
  }

  /** {@return input plus output tokens} */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }
}
