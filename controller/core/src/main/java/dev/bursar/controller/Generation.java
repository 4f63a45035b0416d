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
 * @param answer the answer the backend itself gives with the sequence (with
 *     {@link Capability#OWN_ANSWERS}: a recorded pool, a structured-output API), or null: the
 *     controller then reads it from {@code text}
 * @param cachedInputTokens of {@code inputTokens}, those a prefix cache served without a prefill
 *     (the upstream's {@code cached_tokens}; the DJL prefix cache's reuse)
 * @param verifierScore a verifier's score of the whole sequence (a reward model's, higher is better; a
 *     recorded pool's {@code score}), or NaN when none judged it: a reader of samples learns what it says
 */
public record Generation(
    int index,
    String text,
    int inputTokens,
    int outputTokens,
    FinishReason finish,
    double @Nullable [] tokenLogprobs,
    double @Nullable [] tokenConfidence,
    @Nullable String answer,
    int cachedInputTokens,
    double verifierScore) {

  /** A generation no verifier has scored. */
  public Generation(int index, String text, int inputTokens, int outputTokens, FinishReason finish,
      double @Nullable [] tokenLogprobs, double @Nullable [] tokenConfidence, @Nullable String answer, int cachedInputTokens) {
    this(index, text, inputTokens, outputTokens, finish, tokenLogprobs, tokenConfidence, answer, cachedInputTokens, Double.NaN);
  }

  /** A generation with no prompt tokens served from a cache. */
  public Generation(int index, String text, int inputTokens, int outputTokens, FinishReason finish,
      double @Nullable [] tokenLogprobs, double @Nullable [] tokenConfidence, @Nullable String answer) {
    this(index, text, inputTokens, outputTokens, finish, tokenLogprobs, tokenConfidence, answer, 0);
  }

  public Generation {
    if (outputTokens < 0) throw new IllegalArgumentException("outputTokens must be >= 0, was " + outputTokens);
    if (inputTokens < 0) throw new IllegalArgumentException("inputTokens must be >= 0, was " + inputTokens);
    if (cachedInputTokens < 0 || cachedInputTokens > inputTokens) {
      throw new IllegalArgumentException("cachedInputTokens must be in [0, inputTokens], was " + cachedInputTokens);
    }
  }

  /** {@return this generation with a verifier's score of it} */
  public Generation withVerifierScore(double score) {
    return new Generation(index, text, inputTokens, outputTokens, finish, tokenLogprobs, tokenConfidence, answer,
        cachedInputTokens, score);
  }

  /** {@return a generation with text only: no log-probabilities, no own answer} */
  public static Generation of(int index, String text, int inputTokens, int outputTokens, FinishReason finish) {
    return new Generation(index, text, inputTokens, outputTokens, finish, null, null, null);
  }

  /** {@return the mean log-probability of the sampled tokens, or NaN when unknown} */
  public double meanLogprob() {
    if (tokenLogprobs == null || tokenLogprobs.length == 0) return Double.NaN;
    double s = 0;
    for (double v : tokenLogprobs) s += v;
    return s / tokenLogprobs.length;
  }
}
