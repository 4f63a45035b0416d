package dev.bursar.controller;

/**
 * A backend whose internals the controller can reach: its tokenizer and the hidden states of its
 * layers. Implemented by the DJL backend; hidden-state probes and step-level verifiers need it.
 */
public interface WhiteBoxBackend extends Backend {

  /** {@return the token ids of {@code text}, without special tokens} */
  int[] encode(String text);

  /** {@return the text of the token ids} */
  String decode(int[] ids);

  /** {@return the number of transformer layers} */
  int layers();

  /** {@return the width of a hidden state} */
  int hiddenSize();

  /**
   * Runs {@code text} through the model (reusing cached prefixes) and returns the hidden state
   * after layer {@code layer} (1-based; {@code layers()} is the last, before the final norm) at
   * each of {@code positions} (token indices into {@code encode(text)}; negative counts from the end).
   */
  float[][] hiddenStates(String text, int layer, int[] positions);
}
