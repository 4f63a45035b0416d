package dev.bursar.controller;

/**
 * Listens to tokens as a backend produces them and may cancel a single sequence (the hook that
 * early exits use). Called on the backend's thread; must be fast and must not block.
 */
@FunctionalInterface
public interface TokenListener {
  TokenListener NONE = (sequence, event) -> true;

  /**
   * @param sequence index of the sequence within its call
   * @param event the token just produced
   * @return {@code true} to continue, {@code false} to cancel this sequence now
   */
  boolean onToken(int sequence, TokenEvent event);

  /**
   * One produced token.
   *
   * @param position 0-based index of the token in the sequence's output
   * @param text the token's text
   * @param logprob log-probability of the sampled token (NaN when unknown)
   * @param confidence DeepConf token confidence (NaN when unknown)
   */
  record TokenEvent(int position, String text, double logprob, double confidence) {}
}
