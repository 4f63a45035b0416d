package dev.bursar.controller;

import org.jspecify.annotations.Nullable;

/**
 * One finished (or cancelled) sequence.
 *
 * @param index position of the sequence within its call (0-based)
 * @param text the generated text, without the prompt
 * @param inputTokens prompt tokens charged for this sequence (0 when the prefill was shared and
 *     charged to another sequence of the call)
 * @param outputTokens tokens generated, including any generated before a cancellation
 * @param finish why it ended
 * @param tokenLogprobs log-probability of each sampled token, or null without {@link Capability#LOGPROBS}
 * @param tokenConfidence DeepConf token confidence per token (minus the mean of the top-k
 *     log-probabilities), or null without {@link Capability#TOP_LOGPROBS}
 * @param recordedAnswer the answer the source extracted (replay), or null
 * @param score an external verifier score carried by the sample (replay), or null
 */
public record Generation(
    int index,
    String text,
    int inputTokens,
    int outputTokens,
    FinishReason finish,
    double @Nullable [] tokenLogprobs,
    double @Nullable [] tokenConfidence,
    @Nullable String recordedAnswer,
    @Nullable Double score) {

  public Generation {
    if (outputTokens < 0) throw new IllegalArgumentException("outputTokens must be >= 0, was " + outputTokens);
    if (inputTokens < 0) throw new IllegalArgumentException("inputTokens must be >= 0, was " + inputTokens);
  }

  /** {@return the mean log-probability of the sampled tokens, or NaN when unknown} */
  public double meanLogprob() {
    if (tokenLogprobs == null || tokenLogprobs.length == 0) return Double.NaN;
    double s = 0;
    for (double v : tokenLogprobs) s += v;
    return s / tokenLogprobs.length;
  }
}
