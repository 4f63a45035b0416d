package dev.bursar.controller;

import java.util.List;
import java.util.Map;

/**
 * One call to a {@link Backend}: {@code n} continuations of one prompt.
 *
 * @param prompt the prompt text (for the replay backend: the question text or its id, see
 *     {@link #metadata()})
 * @param n number of sequences to sample from the shared prompt
 * @param maxTokens cap on output tokens per sequence
 * @param sampling temperature, top-p, top-k and seed
 * @param stop stop sequences; generation of a sequence ends right after one is produced
 * @param topLogprobs how many top log-probabilities per token to return (0: none)
 * @param metadata the request's metadata ({@link Request#metadata()}): what a backend may use to
 *     route or find the request (a replay backend finds a recorded question by {@code qid})
 */
public record GenerationRequest(
    String prompt,
    int n,
    int maxTokens,
    Sampling sampling,
    List<String> stop,
    int topLogprobs,
    Map<String, String> metadata) {

  public GenerationRequest {
    if (n < 1) throw new IllegalArgumentException("n must be >= 1, was " + n);
    if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
    if (topLogprobs < 0) throw new IllegalArgumentException("topLogprobs must be >= 0, was " + topLogprobs);
    stop = List.copyOf(stop);
    metadata = Map.copyOf(metadata);
  }

  public static GenerationRequest of(String prompt, int n, int maxTokens, Sampling sampling) {
    return new GenerationRequest(prompt, n, maxTokens, sampling, List.of(), 0, Map.of());
  }

  public GenerationRequest withStop(List<String> newStop) {
    return new GenerationRequest(prompt, n, maxTokens, sampling, newStop, topLogprobs, metadata);
  }

  public GenerationRequest withTopLogprobs(int k) {
    return new GenerationRequest(prompt, n, maxTokens, sampling, stop, k, metadata);
  }
}
