package dev.bursar.controller;

import java.util.List;
import java.util.Map;

/**
 * One call to a {@link Backend}: {@code n} continuations of one prompt.
 *
 * @param prompt the prompt text (for the replay backend: the question text or its id, see
 *     {@link #attributes()})
 * @param n number of sequences to sample from the shared prompt
 * @param maxTokens cap on output tokens per sequence
 * @param sampling temperature, top-p, top-k and seed
 * @param stop stop sequences; generation of a sequence ends right after one is produced
 * @param topLogprobs how many top log-probabilities per token to return (0: none)
 * @param attributes backend-specific hints, e.g. {@code qid} for replay; never required by core
 */
public record GenerationRequest(
    String prompt,
    int n,
    int maxTokens,
    Sampling sampling,
    List<String> stop,
    int topLogprobs,
    Map<String, String> attributes) {

  public GenerationRequest {
    if (n < 1) throw new IllegalArgumentException("n must be >= 1, was " + n);
    if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
    if (topLogprobs < 0) throw new IllegalArgumentException("topLogprobs must be >= 0, was " + topLogprobs);
    stop = List.copyOf(stop);
    attributes = Map.copyOf(attributes);
  }

  public static GenerationRequest of(String prompt, int n, int maxTokens, Sampling sampling) {
    return new GenerationRequest(prompt, n, maxTokens, sampling, List.of(), 0, Map.of());
  }

  public GenerationRequest withStop(List<String> newStop) {
    return new GenerationRequest(prompt, n, maxTokens, sampling, newStop, topLogprobs, attributes);
  }

  public GenerationRequest withTopLogprobs(int k) {
    return new GenerationRequest(prompt, n, maxTokens, sampling, stop, k, attributes);
  }

  public GenerationRequest withAttribute(String key, String value) {
    var copy = new java.util.HashMap<>(attributes);
    copy.put(key, value);
    return new GenerationRequest(prompt, n, maxTokens, sampling, stop, topLogprobs, copy);
  }
}
