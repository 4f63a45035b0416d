package dev.bursar.controller;

import java.util.List;
import java.util.Set;

/**
 * A language model the controller draws samples from. Blocking: callers run it on virtual
 * threads. Implementations translate their own failures into {@link BackendException}.
 */
public interface Backend extends AutoCloseable {

  /** {@return a short name for traces and telemetry, e.g. the model id} */
  String name();

  /** {@return what this backend can feed besides text} */
  Set<Capability> capabilities();

  /**
   * Samples {@code request.n()} continuations of one prompt. The listener sees every token and
   * may cancel a single sequence; a cancelled sequence is returned with what it produced so far
   * and {@link FinishReason#CANCELLED}.
   *
   * @return one generation per sequence, in index order
   */
  List<Generation> generate(GenerationRequest request, TokenListener listener);

  /** {@return how many tokens the prompt has under this backend's tokenizer} */
  int countTokens(String text);

  @Override
  default void close() {}
}
